package pgdsn

import (
	"errors"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	for _, tc := range []struct {
		dsn     string
		err     error // nil: accepted
		host    string
		local   bool
		sslmode bool
	}{
		{dsn: "postgres://u:secret@db.example.com/wxpos", err: ErrPassword},
		{dsn: "postgres://u@db.example.com/wxpos?password=secret", err: ErrPassword},
		{dsn: "host=db.example.com user=u password=secret dbname=wxpos", err: ErrPassword},
		{dsn: "host=db.example.com user=u password = secret dbname=wxpos", err: ErrPassword},
		{dsn: "host=db.example.com user=u password= 'two words' dbname=wxpos", err: ErrPassword},
		{dsn: "host=db.example.com user=u PASSWORD=x", err: nil, host: "db.example.com"}, // keys are case-sensitive: PASSWORD is no key wxpos accepts
		{dsn: "postgres://u@db.example.com/wxpos", host: "db.example.com"},
		{dsn: "postgres://u@db.example.com/wxpos?sslmode=verify-full", host: "db.example.com", sslmode: true},
		{dsn: "host = db.example.com sslmode = disable user=u", host: "db.example.com", sslmode: true},
		{dsn: "postgres://u@127.0.0.1:5432/wxpos?sslmode=disable", host: "127.0.0.1", local: true, sslmode: true},
		{dsn: "postgres://u@[::1]/wxpos", host: "::1", local: true},
		{dsn: "host=localhost user=u", host: "localhost", local: true},
		{dsn: "host=/var/run/postgresql user=u", host: "/var/run/postgresql", local: true},
	} {
		info, err := Inspect(tc.dsn)
		if strings.Contains(tc.dsn, "PASSWORD") {
			if err == nil || errors.Is(err, ErrPassword) || !strings.Contains(err.Error(), `"PASSWORD"`) {
				t.Errorf("%s: %v, want the key named as not accepted", tc.dsn, err)
			}
			continue
		}
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: err %v, want %v", tc.dsn, err, tc.err)
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "two words") {
				t.Errorf("%s: error %q quotes the password", tc.dsn, err)
			}
			continue
		}
		if info.Host != tc.host || info.Local != tc.local || info.SSLMode != tc.sslmode {
			t.Errorf("%s: %+v, want host %s local %v sslmode %v", tc.dsn, info, tc.host, tc.local, tc.sslmode)
		}
	}
}

func TestInspectRefusesSecretKeysAndQuotesNothing(t *testing.T) {
	for _, dsn := range []string{
		"host=h service=prod", "host=h sslpassword=hush", "postgres://h/db?servicefile=/x",
		"postgres://u:hush@h:notaport/db", "host='unterminated password=hush",
	} {
		_, err := Inspect(dsn)
		if err == nil {
			t.Errorf("%s accepted", dsn)
			continue
		}
		if strings.Contains(err.Error(), "hush") {
			t.Errorf("%s: error %q quotes the secret", dsn, err)
		}
	}
}

package cli

import (
	"testing"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/replica"
)

// Each connection flag overrides its [replica] key; --dsn names another
// server, so the section's password and certificate files do not follow it.
func TestReplicaFlagsOverrideTheConfig(t *testing.T) {
	env := &Env{Config: &config.Config{Replica: config.Replica{DSN: "postgres://a@hq/wxpos", PasswordFile: "cfg.pw", CAFile: "cfg.ca"}}}
	tests := []struct {
		name  string
		flags replicaFlags
		want  replica.Config
	}{
		{"config alone", replicaFlags{}, replica.Config{DSN: "postgres://a@hq/wxpos", PasswordFile: "cfg.pw", CAFile: "cfg.ca"}},
		{"password file without --dsn", replicaFlags{passwordFile: "flag.pw"}, replica.Config{DSN: "postgres://a@hq/wxpos", PasswordFile: "flag.pw", CAFile: "cfg.ca"}},
		{"another server", replicaFlags{dsn: "postgres://b@other/wxpos", keyFile: "k.pem"}, replica.Config{DSN: "postgres://b@other/wxpos", KeyFile: "k.pem"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.flags.config(env); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

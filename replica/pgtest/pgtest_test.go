package pgtest

import "testing"

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"url with query", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/x?sslmode=disable"},
		{"url without database", "postgresql://u@h:1", "postgresql://u@h:1/x"},
		{"url without query", "postgres://u@h/db", "postgres://u@h/x"},
		{"keywords", "host=/tmp port=5 dbname=postgres user=u", "host=/tmp port=5 user=u dbname=x"},
		{"keywords without dbname", "host=h user=u", "host=h user=u dbname=x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withDatabase(tt.dsn, "x"); got != tt.want {
				t.Errorf("withDatabase(%q) = %q, want %q", tt.dsn, got, tt.want)
			}
		})
	}
}

// Package pgdsn inspects a PostgreSQL DSN with pgx's own parser (pgconn),
// in URL or keyword form, so that the config check and the replica's
// connection agree on what a DSN says: whether it carries a password
// (refused: passwords live in files), whether it names an sslmode, and
// whether its host is this machine.
package pgdsn

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrPassword is returned for a DSN that carries a password, in any form
// pgx reads: URL userinfo, ?password=, or the keyword with or without
// spaces around "=".
var ErrPassword = errors.New("the DSN must not contain a password")

// keys are the connection-string keys a wxpos DSN may use: libpq's and
// pgx's, less the ones that carry or fetch a secret (password,
// sslpassword, service and servicefile, whose file may hold one).
var keys = []string{
	"host", "hostaddr", "port", "dbname", "user", "passfile", "connect_timeout", "application_name",
	"options", "search_path", "target_session_attrs", "sslmode", "ssl", "sslrootcert", "sslcert", "sslkey",
	"sslsni", "sslnegotiation", "krbsrvname", "krbspn", "min_read_buffer_size", "statement_cache_capacity",
	"description_cache_capacity", "default_query_exec_mode",
	"pool_max_conns", "pool_min_conns", "pool_min_idle_conns", "pool_max_conn_lifetime",
	"pool_max_conn_lifetime_jitter", "pool_max_conn_idle_time", "pool_health_check_period",
}

// Info is what a DSN says.
type Info struct {
	Host    string // the first host ("" or a path: a Unix socket)
	Local   bool   // Unix socket, loopback address or localhost
	SSLMode bool   // the DSN names an sslmode (or ssl=true)
}

// Inspect parses dsn. It fails with ErrPassword when dsn carries a
// password, and with an error naming the key for a key wxpos does not
// accept or a DSN pgx cannot parse; the error never quotes the DSN.
func Inspect(dsn string) (Info, error) {
	all := append([]string{"password"}, keys...)
	cfg, err := pgconn.ParseConfigWithOptions(dsn, pgconn.ParseConfigOptions{ConnStringAllowedKeys: all})
	if err != nil {
		return Info{}, quiet(err)
	}
	if _, err := pgconn.ParseConfigWithOptions(dsn, pgconn.ParseConfigOptions{ConnStringAllowedKeys: keys}); err != nil {
		return Info{}, ErrPassword // the only key the second parse lacks
	}
	var noSSL []string
	for _, k := range all {
		if k != "sslmode" && k != "ssl" {
			noSSL = append(noSSL, k)
		}
	}
	_, err = pgconn.ParseConfigWithOptions(dsn, pgconn.ParseConfigOptions{ConnStringAllowedKeys: noSSL})
	return Info{Host: cfg.Host, Local: IsLocal(cfg.Host), SSLMode: err != nil}, nil
}

// IsLocal reports whether host is this machine: a Unix socket directory,
// localhost or a loopback address.
func IsLocal(host string) bool {
	if host == "" || strings.HasPrefix(host, "/") || strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// quiet rewords pgconn's parse errors, which quote the DSN, to name only
// the problem.
func quiet(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		msg := pe.Error()
		if i := strings.Index(msg, "connection string key"); i >= 0 {
			return fmt.Errorf("DSN: %s", strings.Replace(msg[i:], "is not in ConnStringAllowedKeys", "is not one wxpos accepts", 1))
		}
		if u := pe.Unwrap(); u != nil {
			var ue *url.Error
			if errors.As(u, &ue) { // it quotes the URL
				u = ue.Err
			}
			return fmt.Errorf("DSN cannot be parsed: %w", u)
		}
		return errors.New("DSN cannot be parsed")
	}
	return fmt.Errorf("DSN: %w", err)
}

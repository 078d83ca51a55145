package replica

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/internal/pgdsn"
)

// Sentinel errors. Callers compare with errors.Is.
var (
	// ErrSchemaTooNew is returned when the database was migrated by a newer
	// wxpos than this one.
	ErrSchemaTooNew = errors.New("replica schema is newer than this wxpos")
	// ErrSchemaTooOld is returned when the database has not been migrated
	// to this build's schema yet.
	ErrSchemaTooOld = errors.New("replica schema is older than this wxpos")
	// ErrConflict is returned when the database already holds an event
	// under this terminal's id and sequence with different content: another
	// terminal is configured with the same store and terminal ids, or this
	// terminal's database was restored from an older backup, or a row was
	// written into its sequence at head office. The worker stops pushing
	// rather than mix two histories, and keeps retrying: the error is a
	// *ConflictError saying how to repair (hq verify, then hq repair
	// --from the first event it names), after which it pushes its log
	// again from there.
	ErrConflict = errors.New("another history is replicated under this terminal id")
	// ErrNotFound is returned by lookups when there is no such record.
	ErrNotFound = errors.New("not found in the replica")
	// ErrInlinePassword is returned for a DSN that carries a password:
	// secrets live in files (Config.PasswordFile or PGPASSFILE).
	ErrInlinePassword = errors.New("the DSN must not contain a password")
	// ErrInsecureTLS is returned for a Config that would reach a server
	// on another machine without verified TLS, unless InsecureTLS says so.
	ErrInsecureTLS = errors.New("PostgreSQL on another machine without verified TLS")
	// ErrBadConfig is returned for a Config that cannot work.
	ErrBadConfig = errors.New("bad replica configuration")
)

// Config is how a terminal or head office reaches the PostgreSQL server.
// The lead maps it from the [replica] section of config.toml.
type Config struct {
	// DSN names the server, role and database, in URL or keyword form,
	// e.g. "postgres://wxpos@hq.example.com:5432/wxpos?sslmode=verify-full".
	// It must not contain a password.
	DSN string
	// PasswordFile holds the role's password (first line). Empty means the
	// libpq rules: PGPASSFILE, else ~/.pgpass, else no password.
	PasswordFile string
	// CAFile is a PEM file of the CA that signed the server certificate.
	// Setting it makes TLS required and verified (host name included),
	// whatever sslmode says. Empty leaves TLS to the DSN's sslmode and
	// sslrootcert (verify-full recommended).
	CAFile string
	// CertFile and KeyFile are an optional client certificate.
	CertFile, KeyFile string
	// ServerName overrides the host name checked in the server certificate.
	ServerName string
	// ConnectTimeout bounds one connection attempt; zero means 5 s.
	ConnectTimeout time.Duration
	// InsecureTLS accepts sslmode disable, allow, prefer, require or
	// verify-ca toward a host that is not this machine. Without a sslmode
	// such a host gets verify-full; with a weaker one and without this,
	// PoolConfig refuses (ErrInsecureTLS). Doctor warns while it is set.
	InsecureTLS bool
	// MaxConns caps the pool; zero means 4.
	MaxConns int32
}

// Enabled reports whether replication is configured at all.
func (c Config) Enabled() bool { return strings.TrimSpace(c.DSN) != "" }

// PoolConfig builds the pgx pool configuration: DSN, password from its
// file, TLS, timeouts. It does not connect.
func (c Config) PoolConfig() (*pgxpool.Config, error) {
	if !c.Enabled() {
		return nil, fmt.Errorf("%w: no DSN", ErrBadConfig)
	}
	info, err := pgdsn.Inspect(c.DSN)
	if errors.Is(err, pgdsn.ErrPassword) {
		return nil, ErrInlinePassword
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	dsn := c.DSN
	if !info.Local && !info.SSLMode && c.CAFile == "" {
		dsn = withSSLMode(dsn, "verify-full") // pgx's own default would be prefer: plain text allowed
	}
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors may quote the DSN; it has no password (checked above).
		return nil, fmt.Errorf("%w: DSN: %w", ErrBadConfig, err)
	}
	if c.PasswordFile != "" {
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("%w: password file: %w", ErrBadConfig, err)
		}
		pw, _, _ := strings.Cut(string(b), "\n")
		pw = strings.TrimRight(pw, "\r")
		if pw == "" {
			return nil, fmt.Errorf("%w: password file %s is empty", ErrBadConfig, c.PasswordFile)
		}
		pc.ConnConfig.Password = pw
	}
	if c.CAFile != "" || c.CertFile != "" {
		tc, err := c.tlsConfig(pc.ConnConfig.Host)
		if err != nil {
			return nil, err
		}
		pc.ConnConfig.TLSConfig = tc
		pc.ConnConfig.Fallbacks = nil // never fall back to plain text
	}
	if st := tlsStateOf(pc.ConnConfig, info); !st.Verified && !st.Local && !c.InsecureTLS {
		return nil, fmt.Errorf("%w: %s to %s, a host that is not this machine: use sslmode=verify-full (or ca_file), or accept the risk with [replica] insecure_tls = true",
			ErrInsecureTLS, st.Mode, st.Host)
	}
	pc.ConnConfig.ConnectTimeout = c.ConnectTimeout
	if pc.ConnConfig.ConnectTimeout <= 0 {
		pc.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pc.MaxConns = c.MaxConns
	if pc.MaxConns <= 0 {
		pc.MaxConns = 4
	}
	pc.MinConns = 0 // connect lazily: a terminal starts while the server is down
	pc.HealthCheckPeriod = 30 * time.Second
	return pc, nil
}

func (c Config) tlsConfig(host string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	if c.ServerName != "" {
		tc.ServerName = c.ServerName
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: CA file: %w", ErrBadConfig, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: CA file %s has no PEM certificate", ErrBadConfig, c.CAFile)
		}
		tc.RootCAs = pool
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return nil, fmt.Errorf("%w: client certificate needs both cert and key files", ErrBadConfig)
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: client certificate: %w", ErrBadConfig, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// withSSLMode adds sslmode to a DSN that names none, in its own form.
func withSSLMode(dsn, mode string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "sslmode=" + mode
	}
	return dsn + " sslmode=" + mode
}

// TLSState is how a Config reaches its server, for wxpos doctor.
type TLSState struct {
	Host     string
	Local    bool   // Unix socket or loopback: TLS does not matter
	Verified bool   // TLS required, certificate and host name verified
	Mode     string // "verified TLS", "TLS without verification", "plain text possible", "plain text"
	OptIn    bool   // not verified toward a remote host, accepted by insecure_tls
}

// String is one line for doctor.
func (s TLSState) String() string {
	switch {
	case s.Local:
		return fmt.Sprintf("%s (local: %s)", s.Mode, s.Host)
	case s.OptIn:
		return fmt.Sprintf("%s to %s: INSECURE, accepted by insecure_tls", s.Mode, s.Host)
	}
	return fmt.Sprintf("%s to %s", s.Mode, s.Host)
}

// TLS reports how c reaches its server, or why it cannot be used.
func (c Config) TLS() (TLSState, error) {
	pc, err := c.PoolConfig()
	if err != nil {
		return TLSState{}, err
	}
	info, _ := pgdsn.Inspect(c.DSN) // PoolConfig parsed it already
	st := tlsStateOf(pc.ConnConfig, info)
	st.OptIn = !st.Verified && !st.Local && c.InsecureTLS
	return st, nil
}

// tlsStateOf reads what pgx will do from its parsed configuration: a nil
// TLS config (first or in a fallback) is plain text; InsecureSkipVerify
// is sslmode require or verify-ca (pgx checks the chain itself in
// verify-ca, but not the host name).
func tlsStateOf(cc *pgx.ConnConfig, info pgdsn.Info) TLSState {
	st := TLSState{Host: cc.Host, Local: info.Local}
	plain := cc.TLSConfig == nil
	for _, f := range cc.Fallbacks {
		plain = plain || f.TLSConfig == nil
	}
	switch {
	case cc.TLSConfig == nil:
		st.Mode = "plain text"
	case plain:
		st.Mode = "plain text possible"
	case cc.TLSConfig.InsecureSkipVerify:
		st.Mode = "TLS without verification"
	default:
		st.Mode, st.Verified = "verified TLS", true
	}
	return st
}

// Connect builds a pool from c. It does not wait for the server: the first
// query connects, so a terminal starts while PostgreSQL is down.
func Connect(ctx context.Context, c Config) (*pgxpool.Pool, error) {
	pc, err := c.PoolConfig()
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("replica pool: %w", err)
	}
	return pool, nil
}

// Querier is what the read-side functions (reports, lookups) need; a
// *pgxpool.Pool, *pgx.Conn or pgx.Tx will do.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func isUndefinedTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42P01"
}

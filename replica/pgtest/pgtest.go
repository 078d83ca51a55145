// Package pgtest runs throwaway PostgreSQL clusters for tests: initdb in a
// temporary directory, a server on 127.0.0.1 and a free port, stopped and
// removed afterwards. It is the Go twin of scripts/postgres.sh and does the
// same things, except installing the package: a test never runs apt-get.
//
// postgres refuses to run as root, so when the test runs as root every
// server command runs as the "postgres" OS user through runuser, and the
// cluster directory is handed to that user.
//
// Tests find a server in this order: the DSN in the environment variable
// EnvDSN (set by CI after scripts/postgres.sh start), else a cluster they
// start with Start. A test that cannot get either skips with the reason.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the environment variable that holds the DSN of a running
// test server (an administrator role, any database).
const EnvDSN = "WXPOS_TEST_PG_DSN"

// ErrUnavailable is returned by Start when this machine cannot run a
// PostgreSQL server: no binaries, or root without a postgres user.
var ErrUnavailable = errors.New("PostgreSQL cannot be started here")

// Cluster is a running (or paused) throwaway server. Its methods may be
// called from several goroutines (a test and a signal handler).
type Cluster struct {
	mu     sync.Mutex
	closed bool
	dir    string
	bin    string
	port   int
	user   string // OS user the server runs as; "" = the current user
	up     bool
	tls    bool
	maxCon int
	sync   bool // fsync on: commits are flushed (Options.Durable)
}

// BinDir finds the directory of initdb and pg_ctl: pg_config --bindir,
// the newest /usr/lib/postgresql/*/bin (Debian), or PATH.
func BinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if isExec(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("%w: initdb not found (install the Debian package postgresql, or run scripts/postgres.sh start and set %s)", ErrUnavailable, EnvDSN)
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Options configures StartWith. The zero value is Start's plain cluster.
type Options struct {
	// TLSCert and TLSKey (PEM) turn TLS on with this server certificate.
	TLSCert, TLSKey []byte
	// MaxConnections is the server's max_connections; zero: 200.
	MaxConnections int
	// Durable keeps PostgreSQL's fsync and full_page_writes on, as a
	// real server runs, for benchmarks of what a durable commit costs;
	// tests run without them (faster, and a crash is never tested).
	Durable bool
}

// Start creates a cluster in a new temporary directory and starts it.
// Close stops it and removes the directory.
func Start(ctx context.Context) (*Cluster, error) { return StartWith(ctx, nil) }

// StartWith is Start with options.
func StartWith(ctx context.Context, o *Options) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, maxCon: 200}
	if o != nil && o.MaxConnections > 0 {
		c.maxCon = o.MaxConnections
	}
	c.sync = o != nil && o.Durable
	uid, gid := -1, -1
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("%w: running as root and there is no postgres user to run the server", ErrUnavailable)
		}
		c.user = "postgres"
		dir, err := os.MkdirTemp("", "wxpos-pg-")
		if err != nil {
			return nil, fmt.Errorf("cluster dir: %w", err)
		}
		c.dir = dir
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("cluster dir: %w", err)
		}
	} else {
		dir, err := os.MkdirTemp("", "wxpos-pg-")
		if err != nil {
			return nil, fmt.Errorf("cluster dir: %w", err)
		}
		c.dir = dir
	}
	if c.port, err = freePort(); err != nil {
		os.RemoveAll(c.dir)
		return nil, err
	}
	if out, err := c.run(ctx, "initdb", "-D", c.data(), "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(c.dir)
		return nil, fmt.Errorf("initdb: %w: %s", err, lastLines(out))
	}
	if o != nil && len(o.TLSCert) > 0 {
		// postgres insists the key is private to the server's user.
		for name, data := range map[string][]byte{"server.crt": o.TLSCert, "server.key": o.TLSKey} {
			p := filepath.Join(c.dir, name)
			if err := os.WriteFile(p, data, 0o600); err != nil {
				os.RemoveAll(c.dir)
				return nil, fmt.Errorf("tls files: %w", err)
			}
			if uid >= 0 {
				if err := os.Chown(p, uid, gid); err != nil {
					os.RemoveAll(c.dir)
					return nil, fmt.Errorf("tls files: %w", err)
				}
			}
		}
		c.tls = true
	}
	if err := c.resume(ctx); err != nil {
		os.RemoveAll(c.dir)
		return nil, err
	}
	return c, nil
}

// Port is the TCP port the server listens on (127.0.0.1).
func (c *Cluster) Port() int { return c.port }

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// DSN is the administrator DSN of database "postgres".
func (c *Cluster) DSN() string { return c.DBDSN("postgres") }

// DBDSN is the administrator DSN of database db.
func (c *Cluster) DBDSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// Pause stops the server (pg_ctl stop -m fast) and keeps its data: clients
// see the database go away, as in an outage.
func (c *Cluster) Pause(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.up {
		return nil
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, lastLines(out))
	}
	c.up = false
	return nil
}

// Resume starts the server again on the same port.
func (c *Cluster) Resume(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.resume(ctx)
}

func (c *Cluster) resume(ctx context.Context) error {
	if c.closed {
		return errors.New("cluster closed")
	}
	if c.up {
		return nil
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=%d", c.port, c.dir, c.maxCon)
	if !c.sync {
		opts += " -c fsync=off -c full_page_writes=off"
	}
	if c.tls {
		opts += fmt.Sprintf(" -c ssl=on -c ssl_cert_file=%s -c ssl_key_file=%s",
			filepath.Join(c.dir, "server.crt"), filepath.Join(c.dir, "server.key"))
	}
	out, err := c.run(ctx, "pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", opts, "start")
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		return fmt.Errorf("pg_ctl start: %w: %s %s", err, lastLines(out), lastLines(log))
	}
	c.up = true
	return nil
}

// Close stops the server and removes its directory.
func (c *Cluster) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	var err error
	if c.up {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if out, e := c.run(ctx, "pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop"); e != nil {
			err = fmt.Errorf("pg_ctl stop: %w: %s", e, lastLines(out))
		}
		c.up = false
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}

func (c *Cluster) run(ctx context.Context, prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.user != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.user, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = "/" // the postgres user may not be able to enter the test's directory
	return cmd.CombinedOutput()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 600 {
		s = "…" + s[len(s)-600:]
	}
	return s
}

// CreateDB creates a fresh database with a random name on the server of
// adminDSN and returns its DSN and a function that drops it.
func CreateDB(ctx context.Context, adminDSN string) (dsn string, drop func() error, err error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	name := "wxpos_test_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return "", nil, fmt.Errorf("connect %s: %w", redact(adminDSN), err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	dsn = withDatabase(adminDSN, name)
	drop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		a, err := pgx.Connect(ctx, adminDSN)
		if err != nil {
			return err
		}
		defer a.Close(ctx)
		if _, err := a.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return err
		}
		// Roles are the server's, not the database's: the ones the
		// schema's migrations and enrolments named after it go too.
		rows, err := a.Query(ctx, `SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)`, name+"_")
		if err != nil {
			return err
		}
		roles, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, r := range roles {
			if _, err := a.Exec(ctx, "DROP ROLE IF EXISTS "+pgx.Identifier{r}.Sanitize()); err != nil {
				return err
			}
		}
		return nil
	}
	return dsn, drop, nil
}

// withDatabase returns dsn with its database replaced by db. It accepts the
// URL form (postgres://…/db?…) and the keyword form (host=… dbname=…).
func withDatabase(dsn, db string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		rest := dsn[strings.Index(dsn, "://")+3:]
		q := ""
		if i := strings.IndexByte(rest, '?'); i >= 0 {
			rest, q = rest[:i], rest[i:]
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			rest = rest[:i]
		}
		return dsn[:strings.Index(dsn, "://")+3] + rest + "/" + db + q
	}
	var kept []string
	for _, f := range strings.Fields(dsn) {
		if !strings.HasPrefix(f, "dbname=") {
			kept = append(kept, f)
		}
	}
	return strings.Join(append(kept, "dbname="+db), " ")
}

func redact(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "(dsn)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

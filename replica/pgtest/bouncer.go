package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Bouncer is a PgBouncer (Debian package pgbouncer) pooling transactions
// in front of a Cluster: clients connect to it, and it runs each of their
// transactions on one of at most ServerConns server connections.
type Bouncer struct {
	dir         string
	port        int
	cmd         *exec.Cmd
	exited      chan struct{}
	ServerConns int
}

// StartBouncer starts PgBouncer in front of c with pool_mode = transaction,
// at most serverConns connections to the server in all, 1000 clients, and
// no authentication of its own (auth_type = any: it logs in to c as
// postgres). Close stops it.
func StartBouncer(ctx context.Context, c *Cluster, serverConns int) (*Bouncer, error) {
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if bin, err = "/usr/sbin/pgbouncer", nil; !isExec(bin) {
			return nil, fmt.Errorf("%w: pgbouncer not found (install the Debian package pgbouncer)", ErrUnavailable)
		}
	}
	dir, err := os.MkdirTemp("", "wxpos-pgbouncer-")
	if err != nil {
		return nil, fmt.Errorf("bouncer dir: %w", err)
	}
	b := &Bouncer{dir: dir, exited: make(chan struct{}), ServerConns: serverConns}
	if b.port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	ini := fmt.Sprintf(`[databases]
* = host=127.0.0.1 port=%d user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir = %s
auth_type = any
pool_mode = transaction
max_client_conn = 1000
default_pool_size = %d
max_db_connections = %d
logfile = %s
`, c.port, b.port, dir, serverConns, serverConns, filepath.Join(dir, "pgbouncer.log"))
	conf := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(conf, []byte(ini), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("bouncer config: %w", err)
	}
	// pgbouncer refuses to run as root, like postgres.
	if c.user != "" {
		if err := chownTo(dir, c.user); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		b.cmd = exec.Command("runuser", "-u", c.user, "--", bin, conf)
	} else {
		b.cmd = exec.Command(bin, conf)
	}
	b.cmd.Dir = "/"
	if err := b.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start pgbouncer: %w", err)
	}
	go func() { b.cmd.Wait(); close(b.exited) }()
	if err := b.ready(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// ready waits until the bouncer accepts connections.
func (b *Bouncer) ready(ctx context.Context) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port))
	for {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-b.exited:
			log, _ := os.ReadFile(filepath.Join(b.dir, "pgbouncer.log"))
			return fmt.Errorf("pgbouncer exited: %s", lastLines(log))
		case <-ctx.Done():
			return fmt.Errorf("pgbouncer not listening on %s: %w", addr, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// DSN is the DSN of database db through the bouncer, with the query mode
// a transaction pooler needs (default_query_exec_mode=exec: no named
// prepared statements).
func (b *Bouncer) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&default_query_exec_mode=exec", b.port, db)
}

// Close stops the bouncer and removes its directory.
func (b *Bouncer) Close() error {
	if b.cmd.Process != nil {
		b.cmd.Process.Signal(syscall.SIGTERM) // immediate shutdown; runuser passes it on
		select {
		case <-b.exited:
		case <-time.After(10 * time.Second):
			b.cmd.Process.Kill()
			<-b.exited
		}
	}
	return os.RemoveAll(b.dir)
}

// DBName is the database name of a DSN from CreateDB (URL form).
func DBName(dsn string) (string, error) {
	rest, ok := strings.CutPrefix(dsn, "postgres://")
	if !ok {
		return "", errors.New("DBName: want a postgres:// DSN")
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 || i == len(rest)-1 {
		return "", errors.New("DBName: the DSN names no database")
	}
	return rest[i+1:], nil
}

func chownTo(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("bouncer dir: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("bouncer dir: %w", err)
	}
	return nil
}

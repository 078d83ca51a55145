package replica

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Kinds of login (replica_roles.kind, migrations/0005_roles.sql).
const (
	KindTerminal = "terminal" // one counter: inserts its own events, reads its store
	KindReader   = "reader"   // head office's reports: reads everything, writes nothing
	KindReceiver = "receiver" // the notification receiver: records notifications
)

// ErrRoleExists is returned by the Enrol functions when the login is
// enrolled already: revoke it first to issue a new password.
var ErrRoleExists = errors.New("already enrolled")

// Login is an enrolled role and its password, which is shown once: the
// server keeps only a SCRAM verifier of it.
type Login struct {
	Role       string `json:"role"`
	Kind       string `json:"kind"`
	StoreID    string `json:"store_id,omitempty"`
	TerminalID string `json:"terminal_id,omitempty"`
	Password   string `json:"password"`
}

// EnrolTerminal creates the login of one terminal: a member of the
// database's terminal group, bound to storeID/terminalID by row-level
// security. pool must be the admin's (the schema's owner, with
// CREATEROLE). The role is named <database>_t_<store>_<terminal>.
func EnrolTerminal(ctx context.Context, pool *pgxpool.Pool, storeID, terminalID string) (*Login, error) {
	if !validID(storeID) || !validID(terminalID) {
		return nil, fmt.Errorf("%w: store id %q / terminal id %q: want 1–16 letters or digits", ErrBadConfig, storeID, terminalID)
	}
	return enrol(ctx, pool, Login{Kind: KindTerminal, StoreID: storeID, TerminalID: terminalID}, "t_"+storeID+"_"+terminalID)
}

// EnrolReader creates a read-only login for head office's reports, named
// <database>_r_<name>.
func EnrolReader(ctx context.Context, pool *pgxpool.Pool, name string) (*Login, error) {
	if !validID(name) {
		return nil, fmt.Errorf("%w: reader name %q: want 1–16 letters or digits", ErrBadConfig, name)
	}
	return enrol(ctx, pool, Login{Kind: KindReader}, "r_"+name)
}

// EnrolReceiver creates the login of a notification receiver (wxpos notify
// serve), named <database>_n_<name>.
func EnrolReceiver(ctx context.Context, pool *pgxpool.Pool, name string) (*Login, error) {
	if !validID(name) {
		return nil, fmt.Errorf("%w: receiver name %q: want 1–16 letters or digits", ErrBadConfig, name)
	}
	return enrol(ctx, pool, Login{Kind: KindReceiver}, "n_"+name)
}

func enrol(ctx context.Context, pool *pgxpool.Pool, l Login, suffix string) (*Login, error) {
	if err := RequireSchema(ctx, pool); err != nil {
		return nil, err
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	l.Password = base64.RawURLEncoding.EncodeToString(raw[:])
	verifier, err := scramVerifier(l.Password)
	if err != nil {
		return nil, err
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var db string
		if err := tx.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
			return err
		}
		l.Role = db + "_" + suffix
		group := pgx.Identifier{db + "_" + l.Kind}.Sanitize()
		role := pgx.Identifier{l.Role}.Sanitize()
		// The verifier, never the password, goes to the server: a server
		// that logs statements logs nothing it could log in with.
		if _, err := tx.Exec(ctx, `CREATE ROLE `+role+` LOGIN IN ROLE `+group+` PASSWORD '`+verifier+`'`); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "42710" { // duplicate_object
				return fmt.Errorf("role %s: %w (wxpos hq revoke %s, then enrol again)", l.Role, ErrRoleExists, l.Role)
			}
			return fmt.Errorf("create role %s: %w", l.Role, err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO replica_roles (role_name, kind, store_id, terminal_id) VALUES ($1, $2, $3, $4)`,
			l.Role, l.Kind, l.StoreID, l.TerminalID)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation: the terminal has another login
			return fmt.Errorf("terminal %s/%s: %w under another role (wxpos hq revoke it first)", l.StoreID, l.TerminalID, ErrRoleExists)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("enrol: %w", err)
	}
	return &l, nil
}

// Revoke removes an enrolled login: its mapping first (from then on
// row-level security lets it see and write nothing), then the role, and
// it ends the role's open sessions where the admin may. The rows it
// replicated stay.
func Revoke(ctx context.Context, pool *pgxpool.Pool, role string) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM replica_roles WHERE role_name = $1`, role)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%s is not an enrolled login: %w", role, ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `DROP ROLE `+pgx.Identifier{role}.Sanitize()); err != nil {
			return fmt.Errorf("drop role: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke %s: %w", role, err)
	}
	// Best effort: a session already open keeps its connection until it
	// ends, but the policies give it nothing any more.
	_, _ = pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, role)
	return nil
}

// Logins lists the enrolled logins (without passwords).
func Logins(ctx context.Context, db Querier) ([]Login, error) {
	rows, err := db.Query(ctx, `SELECT role_name, kind, store_id, terminal_id FROM replica_roles ORDER BY kind, store_id, terminal_id, role_name`)
	if err != nil {
		return nil, fmt.Errorf("logins: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Login, error) {
		var l Login
		err := r.Scan(&l.Role, &l.Kind, &l.StoreID, &l.TerminalID)
		return l, err
	})
	if err != nil {
		return nil, fmt.Errorf("logins: %w", err)
	}
	return out, nil
}

// scramVerifier is what PostgreSQL stores for a SCRAM-SHA-256 password
// (RFC 5802, RFC 7677; the format of pg_authid.rolpassword), computed here
// so the password itself never reaches the server.
func scramVerifier(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return scramVerifierSalt(password, salt, 4096)
}

func scramVerifierSalt(password string, salt []byte, iter int) (string, error) {
	salted, err := pbkdf2.Key(sha256.New, password, salt, iter, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac(salted, "Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iter, b64(salt), b64(stored[:]), b64(mac(salted, "Server Key"))), nil
}

package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHQEnrol: wxpos hq enrol writes a terminal's new password to a file
// only its owner reads, never over an existing one; --json prints a
// reader's once; hq revoke removes a login.
func TestHQEnrol(t *testing.T) {
	_, dsn := replicaPool(t) // migrated by the admin
	setConfigHome(t, t.TempDir())
	pw := filepath.Join(t.TempDir(), "s01-t01.password")
	code, out, errOut := run(t, "hq", "enrol", "S01", "T01", "--password-file", pw, "--dsn", dsn)
	if code != 0 {
		t.Fatalf("enrol: exit %d\n%s\n%s", code, out, errOut)
	}
	fi, err := os.Stat(pw)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(pw)
	secret := strings.TrimSpace(string(b))
	if fi.Mode().Perm() != 0o600 || len(secret) < 32 {
		t.Errorf("password file mode %v, %d characters", fi.Mode().Perm(), len(secret))
	}
	if strings.Contains(out+errOut, secret) {
		t.Error("the password file's password is also printed")
	}
	if !strings.Contains(out, "_t_S01_T01") {
		t.Errorf("enrol names no role: %s", out)
	}
	if code, _, errOut := run(t, "hq", "enrol", "S01", "T02", "--password-file", pw, "--dsn", dsn); code == 0 || !strings.Contains(errOut, "exists already") {
		t.Errorf("enrol over an existing password file: exit %d, %s", code, errOut)
	}
	if b2, _ := os.ReadFile(pw); string(b2) != string(b) {
		t.Error("the password file was overwritten")
	}
	if code, _, errOut := run(t, "hq", "enrol", "S01", "T03", "--dsn", dsn); code == 0 || !strings.Contains(errOut, "--password-file") {
		t.Errorf("enrol with nowhere for the password: exit %d, %s", code, errOut)
	}

	code, out, errOut = run(t, "hq", "enrol", "--reader", "office", "--json", "--dsn", dsn)
	if code != 0 {
		t.Fatalf("enrol --reader --json: exit %d\n%s", code, errOut)
	}
	var l struct{ Role, Kind, Password string }
	if err := json.Unmarshal([]byte(out), &l); err != nil || l.Kind != "reader" || len(l.Password) < 32 || !strings.HasSuffix(l.Role, "_r_office") {
		t.Fatalf("enrol --json: %+v, %v\n%s", l, err, out)
	}
	if code, out, errOut := run(t, "hq", "revoke", l.Role, "--dsn", dsn); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("revoke: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := run(t, "hq", "revoke", l.Role, "--dsn", dsn); code == 0 {
		t.Error("revoking twice succeeded")
	}
}

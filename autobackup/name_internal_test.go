package autobackup

import (
	"regexp"
	"testing"
)

// TestIsBackupNameAsThePattern holds isBackupName to the pattern it
// replaced (compiled here, in the test, not in every wxpos process).
func TestIsBackupNameAsThePattern(t *testing.T) {
	re := regexp.MustCompile(`^wxpos-\d{8}-\d{4}\.[a-z]+$`)
	names := []string{"wxpos-20261205-0300.zip", "wxpos-20261205-0300.db", "wxpos-20261205-0300.", "wxpos-20261205-0300",
		"wxpos-20261205-030.zip", "wxpos-2026120-03000.zip", "wxpos-20261205_0300.zip", "wxpos-20261205-0300-zip",
		"wxpos-2026120a-0300.zip", "wxpos-20261205-03a0.zip", "wxpos-20261205-0300.ZIP", "wxpos-20261205-0300.zip.tmp",
		"wxpos-20261205-0300.zip~", "xwxpos-20261205-0300.zip", "WXPOS-20261205-0300.zip", "wxpos-20261205-0300.z1p",
		"wxpos-202612050-0300.zip", "wxpos-", "", "wxpos-20261205-0300.{ip", "wxpos-20261205-0300.`ip", "wxpos-２0261205-0300.zip"}
	for _, n := range names {
		if got, want := isBackupName(n), re.MatchString(n); got != want {
			t.Errorf("%q: %v, the pattern says %v", n, got, want)
		}
	}
}

package cli_test

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/cli"
)

// TestSandboxOffLoopbackNeedsToken: a sandbox listening beyond loopback
// refuses to start without a control token, says where it really listens,
// and then refuses control requests that do not carry the token.
func TestSandboxOffLoopbackNeedsToken(t *testing.T) {
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile.json")
	code, _, errOut := run(t, "sandbox", "--addr", "0.0.0.0:0", "--profile", profile)
	if code != cli.ExitUsage || !strings.Contains(errOut, "--control-token-file") {
		t.Fatalf("exit %d, stderr %q: want a usage error naming --control-token-file", code, errOut)
	}
	if _, err := os.Stat(profile); err == nil {
		t.Fatal("a profile was written for a sandbox that did not start")
	}

	token := "s3cret-control-token-0123"
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)
	cmd := exec.Command(os.Args[0], "sandbox", "--addr", "0.0.0.0:0", "--profile", profile, "--control-token-file", tokenFile)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killChild(t, cmd) })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`listening on (\[::\]|0\.0\.0\.0):(\d+) `).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q does not name the real (every-interface) address", line)
	}
	url := "http://127.0.0.1:" + m[2] + "/sandbox/ledger"
	get := func(auth string) int {
		req, _ := http.NewRequest("GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(""); st != http.StatusUnauthorized {
		t.Errorf("control API without a token: %d, want 401", st)
	}
	if st := get("Bearer wrong-token-wrong-token"); st != http.StatusUnauthorized {
		t.Errorf("control API with a wrong token: %d, want 401", st)
	}
	if st := get("Bearer " + token); st != http.StatusOK {
		t.Errorf("control API with the token: %d, want 200", st)
	}
}

package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// BenchmarkCLIPay is the in-process cost of one `wxpos --sandbox-profile P
// pay --fen 1 --code C --json`, as a whole-process payment pays it after the
// Go runtime and package inits: the command tree built, config and logs,
// the database opened and its mode claimed, the profile and keys read, the
// intent committed, codepay signed, sent to a sandbox on loopback over real
// HTTP and verified, the result committed, the JSON printed, everything
// closed. The whole-process figure beside a one-shot SDK payment is
// scripts/paybench.sh.
func BenchmarkCLIPay(b *testing.B) {
	setConfigHome(b, b.TempDir()) // no config file: training books
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	b.Cleanup(func() { srv.Close(); sb.Close() })
	profile := filepath.Join(b.TempDir(), "profile.json")
	if err := sb.Profile(srv.URL).WriteFile(profile); err != nil {
		b.Fatal(err)
	}
	data := b.TempDir()
	pay := func() {
		root := cli.NewRoot(func(context.Context, *cli.Env) error { b.Fatal("the UI was started"); return nil })
		var out, errb bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&errb)
		root.SetArgs([]string{"--data", data, "--sandbox-profile", profile,
			"pay", "--fen", "1", "--code", sandbox.NewCode(sandbox.ScenarioSuccess), "--json"})
		if code := cli.Execute(context.Background(), root); code != cli.ExitOK {
			b.Fatalf("exit %d: %s%s", code, out.String(), errb.String())
		}
		var p struct{ State string }
		if err := json.Unmarshal(out.Bytes(), &p); err != nil || p.State != "PAID" {
			b.Fatalf("%q: %v", out.String(), err)
		}
	}
	pay() // creates the books: every later run opens a current database
	b.ResetTimer()
	for range b.N {
		pay()
	}
}

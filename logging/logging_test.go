package logging_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/logging"
)

func TestNew_FileGetsInfoStderrGetsWarnings(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	log, closeFn, err := logging.New(logging.Options{Dir: dir, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("order paid", "out_trade_no", "S1T100000001", "amount_fen", 1234)
	log.Warn("network down")
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(dir, "wxpos.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(file), `"msg":"order paid"`) || !strings.Contains(string(file), `"amount_fen":1234`) {
		t.Errorf("file log = %s", file)
	}
	if strings.Contains(stderr.String(), "order paid") || !strings.Contains(stderr.String(), "network down") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestLast4(t *testing.T) {
	for in, want := range map[string]string{"134567890123456789": "…6789", "12": "****", "": "****"} {
		if got := logging.Last4(in); got != want {
			t.Errorf("Last4(%q) = %q, want %q", in, got, want)
		}
	}
}

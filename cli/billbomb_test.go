package cli_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/cli"
)

// bombFile writes a gzip file of size bytes of bill text: the ALL header
// and one payment row repeated, which compresses about 1000:1, so the file
// is small and looks like the start of a genuine bill.
func bombFile(t *testing.T, size int) string {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(allHeader + "\n"))
	row := []byte(allPay1 + "\n")
	for n := 0; n < size; n += len(row) {
		zw.Write(row)
	}
	zw.Close()
	f := filepath.Join(t.TempDir(), "bomb.csv.gz")
	if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBillImportRefusesGzipBomb: a 64 MB bill squeezed into about 100 KB
// is refused as malformed (exit 2, as the README documents) after reading
// a little of it. Memory is measured as everything the command allocated
// (TotalAlloc, an upper bound of its peak heap): reading the bomb whole,
// as before, allocates more than the 64 MB it expands to.
func TestBillImportRefusesGzipBomb(t *testing.T) {
	f := bombFile(t, 64<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	code, out, errOut := run(t, "bill", "import", f, "--json")
	runtime.ReadMemStats(&after)
	if code != cli.ExitUsage || out != "" || !strings.Contains(errOut, "gzip bomb") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d naming the bomb", code, out, errOut, cli.ExitUsage)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Fatalf("refusing the bomb allocated %d MB, want under 16 MB", alloc>>20)
	}
}

// TestBillImportSizeLimit: a bill past --max-size-mb is refused with exit 2
// and says so, plain or gzip; the same file is read under a larger limit.
func TestBillImportSizeLimit(t *testing.T) {
	// 10000 rows with the ids and the payer varying as in a real bill
	// (which gzips about 5:1): 2.4 MB.
	rnd := rand.New(rand.NewPCG(1, 2))
	rows := make([]string, 0, 10000)
	for i := range 10000 {
		row := strings.Replace(allPay1, "`4200000001,", fmt.Sprintf("`42%026d,", rnd.Int64()), 1)
		row = strings.Replace(row, "`PS1-T1-00000001,", fmt.Sprintf("`PS1-T1-%08d,", i), 1)
		row = strings.Replace(row, "`o1,", fmt.Sprintf("`o%027x,", rnd.Uint64()), 1)
		rows = append(rows, row)
	}
	text := lines(allHeader, strings.Join(rows, "\n"), sumHeader, "`10000,`123400.00,`0.00,`0.00,`700.00000,`123400.00,`0.00")
	for name, body := range map[string]string{"plain": text, "gzip": gz(text)} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "bill")
			if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := run(t, "bill", "import", f, "--max-size-mb", "2")
			if code != cli.ExitUsage || !strings.Contains(errOut, "too large") {
				t.Fatalf("2 MB limit: exit %d, stderr %q", code, errOut)
			}
			code, out, errOut := run(t, "bill", "import", f, "--max-size-mb", "3")
			if code != 0 || !strings.Contains(out, "rows:          10000") {
				t.Fatalf("3 MB limit: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}

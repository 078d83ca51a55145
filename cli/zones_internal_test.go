package cli

import (
	"bytes"
	"crypto/x509"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/scanner"
)

// TestTimesInStoreZone: the scanner test and the certificate dates doctor
// prints are the store's (Asia/Shanghai), not the zone a time is held in
// (UTC here).
func TestTimesInStoreZone(t *testing.T) {
	at := time.Date(2026, 12, 4, 20, 30, 15, 0, time.UTC) // 04:30:15 next day in Shanghai
	var b bytes.Buffer
	printScan(&b, scanner.Scan{Code: "130001123456789012", At: at})
	if !strings.HasPrefix(b.String(), "04:30:15 ") {
		t.Errorf("scan line %q: want the store's time 04:30:15", b.String())
	}

	cert := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: at.AddDate(-1, 0, 0), NotAfter: at.AddDate(1, 0, 0)} // 2027-12-05 in Shanghai
	var said []string
	for _, f := range certFindings("merchant certificate", cert, nil, "", at) {
		said = append(said, f.Detail)
	}
	if !strings.Contains(strings.Join(said, "\n"), "2027-12-05") {
		t.Errorf("certificate findings %q: want the expiry day in the store's zone, 2027-12-05", said)
	}
}

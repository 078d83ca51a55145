package counter

import (
	"context"
	"time"

	"github.com/wxpos/wxpos/scanner"
)

// maxScanAge drops scans nobody took in time: payment codes expire in about
// a minute, and a stale read must not start a payment later.
const maxScanAge = 20 * time.Second

// ScanCodes forwards the serial scanner's reads as codes for WithScanner
// until ctx ends. Invalid reads are forwarded too: the scan screen tells
// the cashier it is not a WeChat payment code. Reads older than 20 s are
// dropped.
func ScanCodes(ctx context.Context, scans <-chan scanner.Scan) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case sc, ok := <-scans:
				if !ok {
					return
				}
				if !sc.At.IsZero() && time.Since(sc.At) > maxScanAge {
					continue
				}
				select {
				case out <- sc.Code:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

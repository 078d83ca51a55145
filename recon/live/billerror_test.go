package live_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/bill"
)

// bombClient answers every bill download with what the wechat client says
// of a gzip bomb it refused.
type bombClient struct{ live.Client }

func (bombClient) TradeBill(context.Context, wechat.BillRequest) ([]byte, error) {
	return nil, fmt.Errorf("trade bill: %w", bill.ErrRatio)
}

func (bombClient) TradeBillTo(_ context.Context, _ wechat.BillRequest, w io.Writer) (int64, error) {
	io.WriteString(w, "交易时间,")
	return 9, fmt.Errorf("trade bill: %w", bill.ErrTooLarge)
}

// A bill refused for its size or ratio is a bad bill (the fetcher skips it
// until its retry time and goes on with later days), not a network failure
// that stops the round.
func TestRefusedBillIsBadBill(t *testing.T) {
	src := live.Source{Client: bombClient{}}
	if _, err := src.DownloadBill(context.Background(), "20261125"); !errors.Is(err, recon.ErrBadBill) || !errors.Is(err, bill.ErrRatio) {
		t.Fatalf("DownloadBill: %v", err)
	}
	if err := src.DownloadBillTo(context.Background(), "20261125", io.Discard); !errors.Is(err, recon.ErrBadBill) || !errors.Is(err, bill.ErrTooLarge) {
		t.Fatalf("DownloadBillTo: %v", err)
	}
}

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

// refusingClient answers every bill download with err.
type refusingClient struct {
	live.Client
	err error
}

func (c refusingClient) TradeBill(context.Context, wechat.BillRequest) ([]byte, error) {
	return nil, c.err
}

// WeChat's definite answers about a day's bill map to what the fetcher
// does with them: not ready (retry at the generation time), no trades
// (stored, never asked again), refused for good (hours, not minutes); what
// leaves the outcome open (5xx, SYSTEMERROR, a rate limit) stays a plain
// failure, retried soon.
func TestBillAnswersMapToFetchErrors(t *testing.T) {
	api := func(status int, code wechat.Code) error {
		return fmt.Errorf("trade bill: %w", &wechat.APIError{Op: "v3 tradebill", StatusCode: status, Code: code})
	}
	tests := []struct {
		name string
		err  error
		want error // nil: none of recon's
	}{
		{"v3 STATEMENT_CREATING", api(400, wechat.CodeStatementCreating), recon.ErrNotReady},
		{"v2 20001", api(200, "20001"), recon.ErrNotReady},
		{"v3 NO_STATEMENT_EXIST", api(400, wechat.CodeNoStatementExist), recon.ErrNoTrades},
		{"v3 INVALID_REQUEST (bad date)", api(400, "INVALID_REQUEST"), recon.ErrRefused},
		{"v3 NO_AUTH", api(403, "NO_AUTH"), recon.ErrRefused},
		{"v2 20003 tar_type", api(200, "20003"), recon.ErrRefused},
		{"v3 SYSTEM_ERROR", api(500, wechat.CodeSystemError), nil},
		{"v2 SYSTEMERROR", api(200, wechat.CodeSystemError), nil},
		{"429", api(429, wechat.CodeRateLimitExceeded), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := live.Source{Client: refusingClient{err: tc.err}}.DownloadBill(context.Background(), "20261125")
			for _, e := range []error{recon.ErrNotReady, recon.ErrNoTrades, recon.ErrRefused, recon.ErrBadBill} {
				if errors.Is(err, e) != (e == tc.want) {
					t.Fatalf("%v: errors.Is(%v) = %v", err, e, !(e == tc.want))
				}
			}
		})
	}
}

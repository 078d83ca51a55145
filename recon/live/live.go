// Package live connects reconciliation to the real world: the WeChat client
// (bill downloads, order queries, and the bill parser) and the payment core
// (refunds). Package recon itself only knows its small interfaces.
package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/bill"
)

// Client is what reconciliation needs from a WeChat client; the v3
// *wechat.Client and the v2 *wechat.V2Client both provide it.
type Client interface {
	TradeBill(ctx context.Context, r wechat.BillRequest) ([]byte, error)
	QueryByOutTradeNo(ctx context.Context, outTradeNo string) (*wechat.Transaction, error)
}

// Source downloads ALL trade bills through a Client.
type Source struct{ Client Client }

// DownloadBill implements recon.BillSource, mapping WeChat's answers:
// STATEMENT_CREATING (and v2 20001, "not generated yet") to
// recon.ErrNotReady, NO_STATEMENT_EXIST ("No Bill Exist", 20002) to
// recon.ErrNoTrades.
func (s Source) DownloadBill(ctx context.Context, day recon.Day) ([]byte, error) {
	b, err := s.Client.TradeBill(ctx, billRequest(day))
	if err == nil {
		return b, nil
	}
	return nil, billError(err)
}

// streamingClient is a Client that can write a bill into w as it
// downloads it (both wechat clients can: TradeBillTo).
type streamingClient interface {
	TradeBillTo(ctx context.Context, r wechat.BillRequest, w io.Writer) (int64, error)
}

// DownloadBillTo implements recon.BillStreamer: the bill goes into w as it
// is downloaded and gunzipped, never whole in memory (a client that cannot
// stream is read whole and written out).
func (s Source) DownloadBillTo(ctx context.Context, day recon.Day, w io.Writer) error {
	sc, ok := s.Client.(streamingClient)
	if !ok {
		b, err := s.DownloadBill(ctx, day)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	if _, err := sc.TradeBillTo(ctx, billRequest(day), w); err != nil {
		return billError(err)
	}
	return nil
}

func billRequest(day recon.Day) wechat.BillRequest {
	return wechat.BillRequest{Date: day.Start().Add(12 * time.Hour), Type: wechat.BillAll}
}

// billError maps WeChat's "not yet" and "no bill" answers to recon's, any
// other definite refusal to recon.ErrRefused, and a bill refused for its
// size or ratio (a gzip bomb) to recon.ErrBadBill, so that neither holds up
// the days after it.
func billError(err error) error {
	if errors.Is(err, bill.ErrTooLarge) || errors.Is(err, bill.ErrRatio) {
		return fmt.Errorf("%w: %w", recon.ErrBadBill, err)
	}
	var ae *wechat.APIError
	if errors.As(err, &ae) {
		switch ae.Code {
		case wechat.CodeStatementCreating, "20001":
			return fmt.Errorf("%w: %w", recon.ErrNotReady, err)
		case wechat.CodeNoStatementExist:
			return fmt.Errorf("%w: %w", recon.ErrNoTrades, err)
		}
		if !ae.OutcomeUnknown() {
			// A definite answer (a bad date, no permission): the same
			// request gets the same answer for hours.
			return fmt.Errorf("%w: %w", recon.ErrRefused, err)
		}
	}
	return err
}

// Operator is the recon.Operator on a WeChat client (queries) and the
// payment core (refunds). Approval is used when a refund comes without a
// credential (e.g. a terminal whose manager is already signed in).
type Operator struct {
	Client   Client
	Terminal *pos.Terminal
	Approval pos.Approval
}

// Query asks WeChat about an order.
func (o *Operator) Query(ctx context.Context, outTradeNo string) (recon.QueryAnswer, error) {
	tx, err := o.Client.QueryByOutTradeNo(ctx, outTradeNo)
	var ae *wechat.APIError
	if errors.As(err, &ae) && (ae.Code == wechat.CodeOrderNotExist || ae.Code == wechat.CodeResourceNotExists) {
		return recon.QueryAnswer{State: recon.StateNotExist}, nil
	}
	if err != nil {
		return recon.QueryAnswer{}, err
	}
	return recon.QueryAnswer{State: string(tx.State), AmountFen: tx.Total, TransactionID: tx.TransactionID, PaidAt: tx.SuccessTime}, nil
}

// Refund refunds through the payment core, which checks the approval and
// its limits and drives the refund to the end (or leaves it to recovery).
// An approver without a credential falls back to o.Approval.
func (o *Operator) Refund(ctx context.Context, outTradeNo string, amountFen int64, by recon.Approver, reason string) (string, error) {
	if o.Terminal == nil {
		return "", recon.ErrNoOperator
	}
	a := pos.Approval{User: by.User, Credential: by.Credential}
	if a.Credential == "" {
		a = o.Approval
	}
	r, err := o.Terminal.Refund(ctx, pos.RefundOrder{OutTradeNo: outTradeNo, AmountFen: amountFen, Reason: reason, Approval: a})
	if err != nil {
		return "", err
	}
	return r.OutRefundNo, nil
}

// Recorder is the recon.SaleRecorder on the payment core: a WeChat-only
// payment becomes a sale through pos.Terminal.RecordBillSale (the
// BillTable's corrections, audited, with a receipt).
type Recorder struct{ Terminal *pos.Terminal }

// RecordSale records s through the payment core.
func (r Recorder) RecordSale(s recon.BillSale) error {
	if r.Terminal == nil {
		return recon.ErrNoRecorder
	}
	_, err := r.Terminal.RecordBillSale(pos.BillSale{OutTradeNo: s.OutTradeNo, Tender: s.Tender, AmountFen: s.AmountFen,
		CouponFen: s.CouponFen, MerchantCouponFen: s.MerchantCouponFen,
		TransactionID: s.TransactionID, Attach: s.Attach, PaidAt: s.PaidAt, Note: s.Note, Ref: s.Difference}, s.Actor)
	return err
}

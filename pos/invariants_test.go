package pos_test

import (
	"fmt"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// tally counts final states over a run.
type tally map[pos.State]int

func (c tally) String() string {
	return fmt.Sprintf("paid=%d failed=%d reversed=%d closed=%d unknown/open=%d",
		c[pos.StatePaid], c[pos.StateFailed], c[pos.StateReversed], c[pos.StateClosed],
		c[pos.StateUnknown]+c[pos.StateSubmitting]+c[pos.StateWaitingPassword]+c[pos.StateReversing]+c[pos.StateCreating]+c[pos.StateShowingQR]+c[pos.StateClosing])
}

// violations checks the crash-safety invariants of docs/DESIGN.md §10 between
// the terminal's database and the sandbox ledger and returns what is wrong:
//   - every order is in a final state, every refund too, the outbox is empty;
//   - local state equals the ledger: PAID ⇔ SUCCESS/REFUND (same amount and
//     transaction id), REVERSED ⇔ REVOKED, FAILED/CLOSED ⇔ not paid;
//   - every order WeChat has paid (and not reversed) is a local sale;
//   - no payment code is charged twice;
//   - every PAID sale has its receipt; nothing else has one; reversed
//     orders are not sales;
//   - refunds: local SUCCESS ⇔ ledger SUCCESS, refunded sums agree.
func violations(st pos.Store, led sandbox.Ledger) (tally, []string) {
	var bad []string
	fail := func(format string, a ...any) { bad = append(bad, fmt.Sprintf(format, a...)) }
	count := tally{}
	orders, err := st.AllOrders()
	if err != nil {
		return count, []string{err.Error()}
	}
	ledger := map[string]sandbox.LedgerOrder{}
	for _, o := range led.Orders {
		ledger[o.OutTradeNo] = o
	}
	paidByCode := map[string]int{}
	local := map[string]*pos.Order{}
	var salesFen, ledgerFen int64
	for _, o := range orders {
		local[o.OutTradeNo] = o
		count[o.State]++
		if !o.State.Terminal() {
			fail("%s unresolved: %s", o.OutTradeNo, o.State)
			continue
		}
		l, atWeChat := ledger[o.OutTradeNo]
		wechatPaid := atWeChat && (l.TradeState == "SUCCESS" || l.TradeState == "REFUND")
		switch o.State {
		case pos.StatePaid:
			if wechatPaid {
				salesFen += o.AmountFen
			}
			// A manager's force-paid may disagree with WeChat: that is the
			// daily reconciliation's to find, not an invariant breach.
			if o.Tender != receipt.TenderCash && !(o.Forced && !wechatPaid) {
				if !wechatPaid {
					fail("%s PAID locally, WeChat says %q", o.OutTradeNo, l.TradeState)
				} else if l.AmountFen != o.AmountFen || l.TransactionID != o.TransactionID {
					fail("%s PAID %d/%s, WeChat %d/%s", o.OutTradeNo, o.AmountFen, o.TransactionID, l.AmountFen, l.TransactionID)
				}
			}
			if o.ReceiptNo == "" {
				fail("%s PAID without receipt", o.OutTradeNo)
			} else if rc, err := st.Receipt(o.ReceiptNo); err != nil || rc.OutTradeNo != o.OutTradeNo || rc.TotalFen != o.AmountFen {
				fail("%s receipt %s: %v %+v", o.OutTradeNo, o.ReceiptNo, err, rc)
			}
		case pos.StateReversed:
			if !atWeChat || l.TradeState != "REVOKED" {
				fail("%s REVERSED locally, WeChat says %q", o.OutTradeNo, l.TradeState)
			}
		default: // FAILED, CLOSED
			if wechatPaid {
				fail("%s %s locally (%s %s: %s) but WeChat has it paid", o.OutTradeNo, o.State, o.Tender, o.ErrorCode, o.Message)
			}
		}
		if o.State != pos.StatePaid && o.ReceiptNo != "" {
			fail("%s %s has receipt %s", o.OutTradeNo, o.State, o.ReceiptNo)
		}
		if o.State == pos.StateReversed && o.IsSale() {
			fail("%s REVERSED counted as a sale", o.OutTradeNo)
		}
		if wechatPaid && o.CodeHash != "" {
			paidByCode[o.CodeHash]++
		}
	}
	for _, l := range led.Orders {
		paid := l.TradeState == "SUCCESS" || l.TradeState == "REFUND"
		if paid {
			ledgerFen += l.AmountFen
		}
		o, ok := local[l.OutTradeNo]
		switch {
		case !ok:
			fail("WeChat order %s (%s) unknown locally", l.OutTradeNo, l.TradeState)
		case paid && o.State != pos.StatePaid:
			fail("WeChat has %s paid, local %s", l.OutTradeNo, o.State)
		}
	}
	for h, n := range paidByCode {
		if n > 1 {
			fail("payment code %s… charged %d times", h[:8], n)
		}
	}
	if salesFen != ledgerFen {
		fail("WeChat sales total %d fen locally, WeChat paid total %d fen", salesFen, ledgerFen)
	}
	// Refunds.
	lref := map[string]sandbox.LedgerRefund{}
	for _, r := range led.Refunds {
		lref[r.OutRefundNo] = r
	}
	open, _ := st.OpenRefunds()
	for _, r := range open {
		fail("refund %s unresolved: %s", r.OutRefundNo, r.State)
	}
	for _, o := range orders {
		rs, _ := st.RefundsOf(o.OutTradeNo)
		var localFen int64
		for _, r := range rs {
			l, ok := lref[r.OutRefundNo]
			switch r.State {
			case pos.RefundSuccess:
				localFen += r.AmountFen
				if o.Tender != receipt.TenderCash && (!ok || l.Status != "SUCCESS") {
					fail("refund %s SUCCESS locally, WeChat %q", r.OutRefundNo, l.Status)
				}
				if r.ReceiptNo == "" {
					fail("refund %s without receipt", r.OutRefundNo)
				}
			case pos.RefundClosed:
				if ok && l.Status == "SUCCESS" {
					fail("refund %s CLOSED locally, WeChat SUCCESS", r.OutRefundNo)
				}
			}
		}
		if l, ok := ledger[o.OutTradeNo]; ok && o.Tender != receipt.TenderCash && l.TradeState != "REVOKED" {
			var wechatFen int64
			for _, r := range led.Refunds {
				if r.OutTradeNo == o.OutTradeNo && r.Status == "SUCCESS" {
					wechatFen += r.AmountFen
				}
			}
			if wechatFen != localFen {
				fail("%s refunded %d locally, %d at WeChat", o.OutTradeNo, localFen, wechatFen)
			}
		}
	}
	if ob, _ := st.Outbox(); len(ob) != 0 {
		fail("outbox still holds %d calls", len(ob))
	}
	return count, bad
}

func checkInvariants(t *testing.T, st pos.Store, led sandbox.Ledger) tally {
	t.Helper()
	c, bad := violations(st, led)
	for _, b := range bad {
		t.Error(b)
	}
	return c
}

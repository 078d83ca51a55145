package recon

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

// TenderOther groups bill trade types that no till tender maps to (JSAPI,
// APP, … made by other channels of the merchant).
const TenderOther receipt.Tender = "other"

// tenders in display order; the index is what the compact index stores.
var tenders = []receipt.Tender{receipt.TenderWeChatScan, receipt.TenderWeChatQR, receipt.TenderCash, TenderOther}

const (
	tScan uint8 = iota
	tQR
	tCash
	tOther
)

func tenderIndex(t receipt.Tender) uint8 {
	switch t {
	case receipt.TenderWeChatScan:
		return tScan
	case receipt.TenderWeChatQR:
		return tQR
	case receipt.TenderCash:
		return tCash
	}
	return tOther
}

// billTender maps a bill 交易类型 to the till tender that makes it.
func billTender(tradeType string) uint8 {
	switch tradeType {
	case "MICROPAY", "FACEPAY", "CODEPAY":
		return tScan
	case "NATIVE":
		return tQR
	}
	return tOther
}

// class is what a local state means for money.
type class uint8

const (
	classOpen    class = iota // outcome not known yet (UNKNOWN, WAITING_PASSWORD, …)
	classPaid                 // money received (order) / returned or on its way (refund)
	classVoid                 // no money moved
	classPending              // refund queued, may not have reached WeChat
)

func orderClass(state pos.State) class {
	switch state {
	case pos.StatePaid:
		return classPaid
	case pos.StateReversed, pos.StateClosed, pos.StateFailed:
		return classVoid
	case pos.StateConflict:
		// The number is another payment's at WeChat: never this sale's
		// money, and not settled until a manager acknowledges it.
		return classOpen
	}
	return classOpen
}

func refundClass(state pos.RefundState) class {
	switch state {
	case pos.RefundSuccess, pos.RefundProcessing, pos.RefundAbnormal:
		return classPaid
	case pos.RefundClosed:
		return classVoid
	}
	return classPending
}

// entry is one local record in the compact index: 24 bytes and no
// pointers (its number lives in the engine's key arena), so a million
// orders cost a few tens of megabytes that the garbage collector never
// has to scan.
type entry struct {
	amount int64
	off    uint32 // number = keys[off : off+klen]
	klen   uint8
	state  uint8 // index into engine.states
	tender uint8
	inDay  bool
	forced bool
	seen   bool
	cls    class
}

// engine holds one reconciliation in progress.
type engine struct {
	day      Day
	start    int64
	end      int64
	term     Terminal
	keys     []byte // arena of every local order and refund number
	orders   []entry
	byTrade  *index
	refunds  []entry
	byRefund *index
	refOf    []string // parent out_trade_no of each refund
	states   []string
	stateIx  map[string]uint8
	res      *Result
	totals   [4]TenderTotal
	counts   [6]int // by position in Kinds
}

// Reconcile compares day's bill with the local records and returns the
// categories, the differences and the day totals. It reads the bill once,
// in order, and keeps only a compact index of the local side in memory. An
// unreadable bill yields an error and no result.
func Reconcile(day Day, term Terminal, local Local, bill RowReader) (*Result, error) {
	if !day.Valid() {
		return nil, fmt.Errorf("reconcile: invalid day %q", day)
	}
	e := &engine{
		day:     day,
		start:   day.Start().UnixNano(),
		end:     day.End().UnixNano(),
		term:    term,
		stateIx: make(map[string]uint8),
		res: &Result{
			V: ResultVersion, Day: day, Terminal: term,
			Counts: make(map[Kind]int, len(Kinds)), Differences: []Difference{},
		},
	}
	for i, t := range tenders {
		e.totals[i].Tender = t
		e.totals[i].InBill = t != receipt.TenderCash
	}
	if err := e.loadLocal(local); err != nil {
		return nil, fmt.Errorf("reconcile %s: local records: %w", day, err)
	}
	var row Row
	for {
		row = Row{}
		err := bill.Next(&row)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reconcile %s: bill: %w", day, err)
		}
		e.res.BillRows++
		e.compare(&row)
	}
	e.finish()
	return e.res, nil
}

func (e *engine) intern(state string) uint8 {
	if i, ok := e.stateIx[state]; ok {
		return i
	}
	if len(e.states) == 255 {
		return 255 // absurdly many distinct states: keep the last slot
	}
	e.states = append(e.states, state)
	i := uint8(len(e.states) - 1)
	e.stateIx[state] = i
	return i
}

func (e *engine) state(i uint8) string {
	if int(i) < len(e.states) {
		return e.states[i]
	}
	return "?"
}

func (e *engine) inDay(t time.Time) bool {
	n := t.UnixNano()
	return n >= e.start && n < e.end
}

func (e *engine) loadLocal(local Local) error {
	n := 0
	if s, ok := local.(Sizer); ok {
		n = s.NumOrders()
	}
	e.orders = make([]entry, 0, n)
	e.keys = make([]byte, 0, 20*n)
	e.byTrade = newIndex(n, func(i int32) []byte { return e.key(&e.orders[i]) })
	err := local.EachOrder(func(o *Order) error {
		off, err := e.addKey(o.OutTradeNo)
		if err != nil {
			return err
		}
		e.orders = append(e.orders, entry{off: off, klen: uint8(len(o.OutTradeNo))})
		if _, fresh := e.byTrade.insert(o.OutTradeNo, int32(len(e.orders)-1)); !fresh {
			return fmt.Errorf("order %s listed twice", o.OutTradeNo)
		}
		en := entry{
			off: off, klen: uint8(len(o.OutTradeNo)), amount: o.AmountFen, state: e.intern(string(o.State)),
			tender: tenderIndex(o.Tender), inDay: e.inDay(o.Time), forced: o.Forced,
			cls: orderClass(o.State),
		}
		e.orders[len(e.orders)-1] = en
		if en.inDay && en.cls == classPaid {
			t := &e.totals[en.tender]
			t.LocalCount++
			t.LocalFen += en.amount
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.byRefund = newIndex(0, func(i int32) []byte { return e.key(&e.refunds[i]) })
	return local.EachRefund(func(r *Refund) error {
		off, err := e.addKey(r.OutRefundNo)
		if err != nil {
			return err
		}
		e.refunds = append(e.refunds, entry{off: off, klen: uint8(len(r.OutRefundNo))})
		if _, fresh := e.byRefund.insert(r.OutRefundNo, int32(len(e.refunds)-1)); !fresh {
			return fmt.Errorf("refund %s listed twice", r.OutRefundNo)
		}
		en := entry{
			off: off, klen: uint8(len(r.OutRefundNo)), amount: r.AmountFen, state: e.intern(string(r.State)),
			tender: tenderIndex(r.Tender), inDay: e.inDay(r.Time), cls: refundClass(r.State),
		}
		e.refunds[len(e.refunds)-1] = en
		e.refOf = append(e.refOf, r.OutTradeNo)
		if en.inDay && en.cls == classPaid {
			e.totals[en.tender].LocalRefundFen += en.amount
		}
		return nil
	})
}

// addKey copies a record number into the arena.
func (e *engine) addKey(no string) (uint32, error) {
	if len(no) == 0 || len(no) > 255 {
		return 0, fmt.Errorf("record number %q: want 1 to 255 bytes", no)
	}
	if len(e.keys)+len(no) > 1<<32-1 {
		return 0, errors.New("too many local records")
	}
	off := uint32(len(e.keys))
	e.keys = append(e.keys, no...)
	return off, nil
}

func (e *engine) key(en *entry) []byte { return e.keys[en.off : en.off+uint32(en.klen)] }

func (e *engine) count(k Kind) {
	switch k {
	case KindMatched:
		e.counts[0]++
	case KindAmountMismatch:
		e.counts[1]++
	case KindLocalOnly:
		e.counts[2]++
	case KindWeChatOnly:
		e.counts[3]++
	case KindStatusMismatch:
		e.counts[4]++
	case KindOtherTerminal:
		e.counts[5]++
	}
}

func (e *engine) diff(d Difference) {
	no := d.OutTradeNo
	if d.Subject == SubjectRefund {
		no = d.OutRefundNo
	}
	d.ID = string(d.Kind) + "/" + string(d.Subject) + "/" + no
	d.Advice, d.Actions = advise(&d)
	e.count(d.Kind)
	e.res.Differences = append(e.res.Differences, d)
}

func rowDiff(k Kind, s Subject, r *Row) Difference {
	d := Difference{
		Kind: k, Subject: s, OutTradeNo: r.OutTradeNo, TransactionID: r.TransactionID,
		TradeType: r.TradeType, DeviceInfo: r.DeviceInfo, BillState: string(r.State),
		BillFen: r.TotalFen, Time: r.Time, Tender: tenders[billTender(r.TradeType)], Attach: r.Attach,
	}
	if s == SubjectOrder && r.CouponFen > 0 && r.CouponFen <= r.TotalFen {
		d.CouponFen = r.CouponFen
		if m := r.TotalFen - r.SettledFen; m > 0 && m <= r.CouponFen {
			d.MerchantCouponFen = m
		}
	}
	if s == SubjectRefund {
		d.OutRefundNo, d.RefundID, d.BillFen = r.OutRefundNo, r.RefundID, r.RefundFen
		if r.RefundStatus != "" {
			d.BillState = string(r.State) + "/" + r.RefundStatus
		}
	}
	return d
}

func (e *engine) compare(r *Row) {
	var idx int32 = -1
	var en *entry
	if r.State == BillRefund {
		if i, ok := e.byRefund.find(r.OutRefundNo); ok {
			idx, en = i, &e.refunds[i]
		}
	} else if i, ok := e.byTrade.find(r.OutTradeNo); ok {
		idx, en = i, &e.orders[i]
	}
	mine := en != nil || e.term.Owns(r)
	if !mine {
		if r.State == BillRefund {
			// A refund row of an order we sold is ours even if the refund
			// was made elsewhere (e.g. the merchant console).
			if _, ok := e.byTrade.find(r.OutTradeNo); ok {
				mine = true
			}
		}
	}
	if !mine {
		e.count(KindOtherTerminal)
		e.res.Fees.OtherMilliFen += r.FeeMilliFen
		return
	}
	e.res.Fees.TerminalMilliFen += r.FeeMilliFen
	t := &e.totals[billTender(r.TradeType)]
	switch r.State {
	case BillRefund:
		t.BillRefundFen += r.RefundFen
		e.compareRefund(r, idx, en)
	case BillRevoked:
		e.compareRevoked(r, en)
	default:
		t.BillCount++
		t.BillFen += r.TotalFen
		e.comparePaid(r, en)
	}
}

func (e *engine) comparePaid(r *Row, en *entry) {
	if en == nil {
		e.diff(rowDiff(KindWeChatOnly, SubjectOrder, r))
		return
	}
	d := rowDiff(KindMatched, SubjectOrder, r)
	d.LocalState, d.LocalFen, d.Forced, d.Tender = e.state(en.state), en.amount, en.forced, tenders[en.tender]
	twice := en.seen
	en.seen = true
	switch {
	case twice:
		d.Kind = KindStatusMismatch
		d.BillState = "SUCCESS (twice)"
		e.diff(d)
	case en.cls == classVoid:
		// Money arrived but the sale was reversed/closed here.
		d.Kind = KindWeChatOnly
		e.diff(d)
	case en.cls == classOpen:
		d.Kind = KindStatusMismatch
		e.diff(d)
	case en.amount != r.TotalFen:
		d.Kind = KindAmountMismatch
		e.diff(d)
	default:
		e.count(KindMatched)
	}
}

func (e *engine) compareRevoked(r *Row, en *entry) {
	if en == nil {
		// Reversed at WeChat, no money moved, but we never recorded it.
		e.diff(rowDiff(KindStatusMismatch, SubjectOrder, r))
		return
	}
	en.seen = true
	if en.cls == classPaid {
		d := rowDiff(KindStatusMismatch, SubjectOrder, r)
		d.LocalState, d.LocalFen, d.Forced, d.Tender = e.state(en.state), en.amount, en.forced, tenders[en.tender]
		e.diff(d)
		return
	}
	e.count(KindMatched)
}

func (e *engine) compareRefund(r *Row, idx int32, en *entry) {
	if en == nil {
		e.diff(rowDiff(KindStatusMismatch, SubjectRefund, r))
		return
	}
	d := rowDiff(KindMatched, SubjectRefund, r)
	d.LocalState, d.LocalFen, d.Tender = e.state(en.state), en.amount, tenders[en.tender]
	d.OutTradeNo = e.refOf[idx]
	en.seen = true
	billFailed := r.RefundStatus == "FAIL" || r.RefundStatus == "REFUNDCLOSE" || r.RefundStatus == "CLOSED"
	switch {
	case en.cls == classVoid && !billFailed, en.cls == classPaid && billFailed:
		d.Kind = KindStatusMismatch
		e.diff(d)
	case en.amount != r.RefundFen:
		d.Kind = KindAmountMismatch
		e.diff(d)
	default:
		e.count(KindMatched)
	}
}

// finish reports the local records of the day the bill never mentioned.
func (e *engine) finish() {
	for i := range e.orders {
		en := &e.orders[i]
		if en.seen || !en.inDay || en.cls != classPaid || en.tender == tCash {
			continue
		}
		e.diff(Difference{
			Kind: KindLocalOnly, Subject: SubjectOrder, OutTradeNo: string(e.key(en)),
			Tender: tenders[en.tender], LocalState: e.state(en.state), LocalFen: en.amount, Forced: en.forced,
		})
	}
	for i := range e.refunds {
		en := &e.refunds[i]
		if en.seen || !en.inDay || en.cls != classPaid || en.tender == tCash {
			continue
		}
		e.diff(Difference{
			Kind: KindStatusMismatch, Subject: SubjectRefund, OutTradeNo: e.refOf[i], OutRefundNo: string(e.key(en)),
			Tender: tenders[en.tender], LocalState: e.state(en.state), LocalFen: en.amount,
		})
	}
	for i, k := range Kinds {
		if e.counts[i] > 0 {
			e.res.Counts[k] = e.counts[i]
		}
	}
	for i := range e.totals {
		t := e.totals[i]
		if t.Tender == TenderOther && t.BillCount == 0 && t.BillRefundFen == 0 {
			continue
		}
		e.res.Totals = append(e.res.Totals, t)
	}
}

// advise says what to do about d and which actions fit; Advice keeps the
// English words (stored with the result), WriteText shows either language.
func advise(d *Difference) (string, []Action) {
	a := advices[adviceOf(d)]
	return a.en, a.actions
}

// advice names the situations a difference can be in.
type advice int

const (
	adviceForced advice = iota
	adviceLocal
	adviceWeChat
	adviceAmount
	adviceRefund
	adviceRevoked
	adviceStatus
)

// advices is what to do in each situation, in both languages, and which
// actions fit.
var advices = [...]struct {
	en, zh  string
	actions []Action
}{
	adviceForced:  {"forced paid here but WeChat has no payment: query it; if unpaid, collect again or write it off", "人工确认收款但微信无此交易：请查询；未付款则重新收款或核销", []Action{ActionQuery, ActionExplain}},
	adviceLocal:   {"paid here but not in the bill: query it (it may be on the next day's bill)", "本机已收款但账单中没有：请查询（可能在次日账单）", []Action{ActionQuery, ActionExplain}},
	adviceWeChat:  {"money arrived without a local sale: refund it, or record the sale (补发货或者退款)", "微信已收款但本机无销售：退款或补录销售（补发货）", []Action{ActionRefund, ActionRecordSale, ActionQuery, ActionExplain}},
	adviceAmount:  {"amounts differ: check the receipt against the bill", "金额不一致：请核对小票与账单", []Action{ActionQuery, ActionExplain}},
	adviceRefund:  {"refund differs between the bill and the terminal: query the refund", "退款记录不一致：请查询该退款", []Action{ActionQuery, ActionExplain}},
	adviceRevoked: {"WeChat reversed this payment: the sale is not paid", "微信已撤销该笔支付：该销售未收款", []Action{ActionQuery, ActionExplain}},
	adviceStatus:  {"states differ: query the order", "状态不一致：请查询该订单", []Action{ActionQuery, ActionExplain}},
}

func adviceOf(d *Difference) advice {
	switch {
	case d.Kind == KindLocalOnly && d.Forced:
		return adviceForced
	case d.Kind == KindLocalOnly:
		return adviceLocal
	case d.Kind == KindWeChatOnly:
		return adviceWeChat
	case d.Kind == KindAmountMismatch:
		return adviceAmount
	case d.Subject == SubjectRefund:
		return adviceRefund
	case d.BillState == string(BillRevoked):
		return adviceRevoked
	}
	return adviceStatus
}

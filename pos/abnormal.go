package pos

import (
	"context"
	"errors"
	"fmt"
)

// An ABNORMAL refund is one WeChat could not pay back: the customer's card
// was closed or frozen since the payment. It stays ABNORMAL (final for the
// refund flow, its amount still held against the sale) until a manager
// settles it — to the customer's other debit card or back to the store's
// bank account, after which the store repays the customer in person. The
// settlement is a manager's correction, like the bill's: AbnormalTable,
// not a move of RefundTable.

// ActionAbnormalRefund is a manager settling an ABNORMAL refund.
const ActionAbnormalRefund Action = "abnormal_refund"

// AbnormalTo is where the money of a settled ABNORMAL refund goes.
type AbnormalTo string

// The two settlements WeChat Pay offers.
const (
	// AbnormalToCustomerCard pays the customer on another debit card.
	AbnormalToCustomerCard AbnormalTo = "USER_BANK_CARD"
	// AbnormalToMerchant returns the money to the store's bank account;
	// the store repays the customer in person.
	AbnormalToMerchant AbnormalTo = "MERCHANT_BANK_CARD"
)

// BankType is a debit card WeChat Pay can pay an abnormal refund to.
type BankType struct {
	Code string // WeChat's bank_type, e.g. ICBC_DEBIT
	Name string // as the customer knows it, e.g. 工商银行
}

// AbnormalBankTypes are the debit cards of WeChat Pay's abnormal-refund
// rules, in its order.
var AbnormalBankTypes = []BankType{
	{"CMB_DEBIT", "招商银行"}, {"COMM_DEBIT", "交通银行"}, {"ABC_DEBIT", "农业银行"}, {"CCB_DEBIT", "建设银行"},
	{"ICBC_DEBIT", "工商银行"}, {"BOC_DEBIT", "中国银行"}, {"PAB_DEBIT", "平安银行"}, {"SPDB_DEBIT", "浦发银行"},
	{"CITIC_DEBIT", "中信银行"}, {"CEB_DEBIT", "光大银行"}, {"CMBC_DEBIT", "民生银行"}, {"CIB_DEBIT", "兴业银行"},
	{"GDB_DEBIT", "广发银行"}, {"PSBC_DEBIT", "邮储银行"}, {"NBCB_DEBIT", "宁波银行"},
}

// AbnormalSettlement is a manager's settlement of one ABNORMAL refund.
// The card fields are sent to WeChat Pay (encrypted) and never stored or
// logged beyond the account's last four digits.
type AbnormalSettlement struct {
	OutRefundNo string
	To          AbnormalTo
	BankType    string // card only: one of AbnormalBankTypes' codes
	BankAccount string // card only: 10–30 digits
	RealName    string // card only: the card holder
	Approval    Approval
}

// AbnormalRequest is what the gateway is asked to settle.
type AbnormalRequest struct {
	OutRefundNo, RefundID string
	To                    AbnormalTo
	BankType, BankAccount string
	RealName              string
}

// AbnormalRefunder is implemented by a Gateway that can settle ABNORMAL
// refunds (API v3's apply-abnormal-refund). It answers the refund as WeChat
// has it afterwards, normally PROCESSING.
type AbnormalRefunder interface {
	// AbnormalReady says, before anything is recorded, whether this
	// gateway can settle at all (an error wrapping ErrAbnormalUnsupported).
	AbnormalReady() error
	SettleAbnormalRefund(ctx context.Context, r AbnormalRequest) (RefundResult, error)
}

// ErrAbnormalUnsupported is returned by SettleAbnormalRefund when the
// gateway cannot settle abnormal refunds (API v2 has no such call: the
// merchant platform does it).
var ErrAbnormalUnsupported = errors.New("abnormal refunds cannot be settled through this API; use the WeChat Pay merchant platform")

// ErrNotAbnormal is returned by SettleAbnormalRefund for a refund that is
// not ABNORMAL.
var ErrNotAbnormal = errors.New("refund is not abnormal")

// ErrBadSettlement is returned by SettleAbnormalRefund for a settlement
// that names no destination or a card that cannot be one; nothing is sent.
var ErrBadSettlement = errors.New("bad abnormal refund settlement")

// AbnormalTable is the manager's settlement of an ABNORMAL refund: it is
// paid again (PROCESSING), then RefundTable's queries finish it.
var AbnormalTable = Table[RefundState]{
	redge(RefundAbnormal, RefundProcessing, "manager settled the abnormal refund: to the customer's other card or back to the store's account"),
}

func (s *AbnormalSettlement) check() error {
	switch s.To {
	case AbnormalToMerchant:
		return nil
	case AbnormalToCustomerCard:
	default:
		return fmt.Errorf("abnormal refund %s: settle to the customer's card or the store's account: %w", s.OutRefundNo, ErrBadSettlement)
	}
	known := false
	for _, b := range AbnormalBankTypes {
		known = known || b.Code == s.BankType
	}
	n := len(s.BankAccount)
	digits := n >= 10 && n <= 30
	for _, c := range s.BankAccount {
		digits = digits && c >= '0' && c <= '9'
	}
	switch {
	case !known:
		return fmt.Errorf("abnormal refund %s: bank %q is not a debit card WeChat Pay refunds to: %w", s.OutRefundNo, s.BankType, ErrBadSettlement)
	case !digits:
		return fmt.Errorf("abnormal refund %s: the card number must be 10–30 digits: %w", s.OutRefundNo, ErrBadSettlement)
	case s.RealName == "":
		return fmt.Errorf("abnormal refund %s: the card holder's name is required: %w", s.OutRefundNo, ErrBadSettlement)
	}
	return nil
}

// reason is the audit reason of a settlement: where the money goes, the
// card by bank and last four digits only.
func (s *AbnormalSettlement) reason() string {
	if s.To == AbnormalToMerchant {
		return "abnormal refund settled back to the store's bank account: repay the customer in person"
	}
	return fmt.Sprintf("abnormal refund settled to the customer's %s card ending %s", s.BankType, s.BankAccount[len(s.BankAccount)-4:])
}

// SettleAbnormalRefund settles an ABNORMAL refund. It checks the approval
// and the settlement, persists the refund PROCESSING (the intent, with who
// and where to, never the card number) before asking WeChat, follows it
// like a refund for up to Config.RefundWait and returns it in the state
// reached: PROCESSING (the recovery worker's queries finish it), SUCCESS,
// or ABNORMAL again when WeChat refused the
// settlement (the error says why). An unanswered request leaves it
// PROCESSING: if WeChat never got it, the next query finds it ABNORMAL.
func (t *Terminal) SettleAbnormalRefund(ctx context.Context, s AbnormalSettlement) (*Refund, error) {
	ar, ok := t.gw.(AbnormalRefunder)
	if !ok {
		return nil, fmt.Errorf("abnormal refund %s: %w", s.OutRefundNo, ErrAbnormalUnsupported)
	}
	if err := ar.AbnormalReady(); err != nil {
		return nil, fmt.Errorf("abnormal refund %s: %w", s.OutRefundNo, err)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	r, err := t.store.Refund(s.OutRefundNo)
	if err != nil {
		return nil, fmt.Errorf("abnormal refund %s: %w", s.OutRefundNo, err)
	}
	who, err := t.authorize(ctx, s.Approval, ActionAbnormalRefund, r.OutTradeNo)
	if err != nil {
		return nil, err
	}
	lock := "refunds/" + r.OutTradeNo
	if !t.acquire(lock) {
		return nil, fmt.Errorf("abnormal refund %s: %w", s.OutRefundNo, ErrBusy)
	}
	defer t.release(lock)
	if r, err = t.store.Refund(s.OutRefundNo); err != nil { // as it is now that the sale is ours
		return nil, fmt.Errorf("abnormal refund %s: %w", s.OutRefundNo, err)
	}
	if r.State != RefundAbnormal {
		return r, fmt.Errorf("abnormal refund %s: it is %s: %w", s.OutRefundNo, r.State, ErrNotAbnormal)
	}
	id := r.RefundID
	if id == "" { // an older record: WeChat's number is needed in the path
		res, err := call(t, ctx, func(ctx context.Context) (RefundResult, error) { return t.gw.QueryRefund(ctx, r.OutRefundNo) })
		if err != nil {
			return r, fmt.Errorf("abnormal refund %s: WeChat's refund number: %w", s.OutRefundNo, err)
		}
		id = res.RefundID
	}
	r, err = t.moveRefundIn(AbnormalTable, r, RefundProcessing, who, s.reason(), func(n *Refund) {
		n.RefundID, n.ErrorCode, n.Message = id, "", ""
	}, nil)
	if err != nil {
		return r, err
	}
	req := AbnormalRequest{OutRefundNo: r.OutRefundNo, RefundID: id, To: s.To, BankType: s.BankType, BankAccount: s.BankAccount, RealName: s.RealName}
	res, err := call(t, ctx, func(ctx context.Context) (RefundResult, error) { return ar.SettleAbnormalRefund(ctx, req) })
	switch {
	case err == nil:
		if to := refundStateOf(res.Status); to != RefundProcessing {
			return t.moveRefund(r, to, "", "abnormal refund settlement: "+string(res.Status), refundFrom(res), nil)
		}
		return t.followRefund(ctx, r) // as a refund: queried for up to RefundWait
	case IsDefinite(err):
		code, msg := declineCode(err)
		n, merr := t.moveRefund(r, RefundAbnormal, "", "abnormal refund settlement refused: "+code,
			func(n *Refund) { n.ErrorCode, n.Message = code, msg }, nil)
		return n, errors.Join(fmt.Errorf("abnormal refund %s: %w", s.OutRefundNo, err), merr)
	}
	return r, nil // unanswered: recovery's query finds out
}

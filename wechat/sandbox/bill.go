package sandbox

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/tz"
)

// Bill headers (PROTOCOL A.15.1, current layout).
var (
	billHeaderAll     = []string{"交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注"}
	billHeaderSuccess = []string{"交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "商品名称", "商户数据包", "手续费", "费率", "订单金额", "费率备注"}
	billHeaderRefund  = []string{"交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "退款申请时间", "退款成功时间", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注"}
	billSummaryHeader = []string{"总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额", "申请退款总金额"}
)

// billRate is the simulated merchant's fee rate: 0.60 %.
const (
	billRateText    = "0.60%"
	billRatePerMill = 6
	billRetention   = 92 * 24 * time.Hour // "3 months"
	billReadyHour   = 10                  // bills for D are ready at 10:00 on D+1
)

// feeFen is the fee on amount fen at 0.60 %, rounded half up to a fen.
func feeFen(amount int64) int64 { return (amount*billRatePerMill + 500) / 1000 }

// yuan formats fen as yuan with two decimals; exact, no floats.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// yuan5 formats a fen amount with the five decimals of the fee columns.
func yuan5(fen int64) string { return yuan(fen) + "000" }

// billTextReplacer keeps a free-text field from breaking the comma layout
// (a Replacer is immutable and safe for concurrent use).
var billTextReplacer = strings.NewReplacer(",", "，", "`", "'", "\r", " ", "\n", " ")

func billText(s string) string { return billTextReplacer.Replace(s) }

func billTime(t time.Time) string { return t.In(tz.Shanghai).Format(time.DateTime) }

// billDay returns midnight (Beijing) of t's day.
func billDay(t time.Time) time.Time {
	y, m, d := t.In(tz.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, tz.Shanghai)
}

// billRow is one detail line before formatting.
type billRow struct {
	at     time.Time
	fields []string
}

// billTotals accumulates the summary row.
type billTotals struct {
	count                                               int
	settle, refund, couponRefund, fee, orderAmt, refReq int64
}

// bill renders the bill of day for billType from the ledger, or the refusal
// the real service gives (not ready yet, too old, nothing that day).
func (s *Server) bill(now, day time.Time, billType, deviceInfo string) ([]byte, *apiError) {
	switch billType {
	case "ALL", "SUCCESS", "REFUND", "RECHARGE_REFUND":
	default:
		return nil, errBillType
	}
	day = billDay(day)
	if err := billAvailable(now, day); err != nil {
		return nil, err
	}
	q := billQuery{day: day, end: day.AddDate(0, 0, 1), billType: billType, deviceInfo: deviceInfo}
	var rows []billRow
	var tot billTotals
	if billType == "ALL" || billType == "SUCCESS" {
		rows = s.paymentRows(q, rows, &tot)
	}
	if billType == "ALL" || billType == "REFUND" {
		rows = s.refundRows(q, rows, &tot)
	}
	if len(rows) == 0 {
		return nil, errNoStatement
	}
	return renderBill(billType, rows, tot), nil
}

// billAvailable is the refusal of a bill of day asked at now, or nil: only
// a past day, from billReadyHour the day after, for billRetention.
func billAvailable(now, day time.Time) *apiError {
	if !day.Before(billDay(now)) {
		return errBillDate
	}
	if now.Before(day.AddDate(0, 0, 1).Add(billReadyHour * time.Hour)) {
		return errStatementNotYet
	}
	if now.Sub(day) > billRetention {
		return errBillDate
	}
	return nil
}

// billQuery is which lines a bill holds: the type's, of [day, end), of
// one device when deviceInfo is set.
type billQuery struct {
	day, end             time.Time
	billType, deviceInfo string
}

func (q billQuery) in(t time.Time) bool { return !t.Before(q.day) && t.Before(q.end) }

func (q billQuery) device(d string) bool { return q.deviceInfo == "" || d == q.deviceInfo }

// paymentRows appends a line for each payment of the day (REVOKED when
// reversed after paying) and adds it to tot.
func (s *Server) paymentRows(q billQuery, rows []billRow, tot *billTotals) []billRow {
	appID, mchID, sub := s.billIDs()
	s.led.paidOn(q.day, func(o *order) {
		if !o.paid() || !q.in(o.SuccessTime) || !q.device(o.DeviceInfo) {
			return
		}
		state := stateSuccess
		if o.State == stateRevoked {
			state = stateRevoked
		}
		// Settled (and charged the fee on) the total less a NOCASH
		// coupon; 代金券金额 is the coupon of either kind.
		settle := o.settlementFen()
		fee := feeFen(settle)
		head := []string{billTime(o.SuccessTime), appID, mchID, sub, o.DeviceInfo, o.TransactionID, o.OutTradeNo, o.OpenID, o.TradeType, state, o.BankType, "CNY", yuan(settle), yuan(o.discountFen())}
		var f []string
		if q.billType == "ALL" {
			f = append(head, "0", "0", "0.00", "0.00", "", "", billText(o.Body), billText(o.Attach), yuan5(fee), billRateText, yuan(o.AmountFen), "0.00", "")
		} else {
			f = append(head, billText(o.Body), billText(o.Attach), yuan5(fee), billRateText, yuan(o.AmountFen), "")
		}
		rows = append(rows, billRow{o.SuccessTime, f})
		tot.count++
		tot.settle += settle
		tot.orderAmt += o.AmountFen
		tot.fee += fee
	})
	return rows
}

// refundRows appends a line for each refund asked on the day (its fee
// returned, negative) and adds it to tot. The REFUND bill's lines carry
// the payment's time and the refund's request and success times.
func (s *Server) refundRows(q billQuery, rows []billRow, tot *billTotals) []billRow {
	appID, mchID, sub := s.billIDs()
	s.led.refundedOn(q.day, func(r *refund) {
		o := s.led.peekOrder(r.OutTradeNo)
		if o == nil || !q.in(r.CreateTime) || !q.device(o.DeviceInfo) {
			return
		}
		// 退款金额 is what leaves the settlement (the request less its
		// NOCASH coupon part), 充值券退款金额 the CASH coupon part.
		settle, cash := r.settlementRefundFen(), cashPart(r.Coupon, r.DiscountFen)
		fee := -feeFen(settle)
		var f []string
		if q.billType == "ALL" {
			f = []string{billTime(r.CreateTime), appID, mchID, sub, o.DeviceInfo, o.TransactionID, o.OutTradeNo, o.OpenID, o.TradeType, stateRefund, o.BankType, "CNY", "0.00", "0.00",
				r.RefundID, r.OutRefundNo, yuan(settle), yuan(cash), "ORIGINAL", r.Status, billText(o.Body), billText(o.Attach), yuan5(fee), billRateText, "0.00", yuan(r.AmountFen), ""}
		} else {
			succ := ""
			if !r.SuccessTime.IsZero() {
				succ = billTime(r.SuccessTime)
			}
			f = []string{billTime(o.SuccessTime), appID, mchID, sub, o.DeviceInfo, o.TransactionID, o.OutTradeNo, o.OpenID, o.TradeType, stateRefund, o.BankType, "CNY", "0.00", "0.00",
				billTime(r.CreateTime), succ, r.RefundID, r.OutRefundNo, yuan(settle), yuan(cash), "ORIGINAL", r.Status, billText(o.Body), billText(o.Attach), yuan5(fee), billRateText, "0.00", yuan(r.AmountFen), ""}
		}
		rows = append(rows, billRow{r.CreateTime, f})
		tot.count++
		tot.refund += settle
		tot.couponRefund += cash
		tot.refReq += r.AmountFen
		tot.fee += fee
	})
	return rows
}

// billIDs are a bill line's 公众账号ID, 商户号 and 特约商户号: the direct
// merchant's with "0", or in the sub-merchant's bill the provider's and
// the sub-merchant's.
func (s *Server) billIDs() (appID, mchID, sub string) {
	if s.inSub() {
		return s.sp.c.SpAppID, s.sp.c.SpMchID, s.sp.c.SubMchID
	}
	return s.creds.AppID, s.creds.MchID, "0"
}

// renderBill writes the bill as WeChat does: the type's header, the lines
// in time order, the summary header and the summary line.
func renderBill(billType string, rows []billRow, tot billTotals) []byte {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at.Before(rows[j].at) })
	header := billHeaderAll
	switch billType {
	case "SUCCESS":
		header = billHeaderSuccess
	case "REFUND":
		header = billHeaderRefund
	}
	var b bytes.Buffer
	b.WriteString(strings.Join(header, ","))
	for _, r := range rows {
		b.WriteByte('\n')
		writeBackquoted(&b, r.fields)
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(billSummaryHeader, ","))
	b.WriteByte('\n')
	writeBackquoted(&b, []string{fmt.Sprint(tot.count), yuan(tot.settle), yuan(tot.refund), yuan(tot.couponRefund), yuan5(tot.fee), yuan(tot.orderAmt), yuan(tot.refReq)})
	return b.Bytes()
}

// writeBackquoted writes fields each prefixed with a backquote, joined by
// commas, as every data line of a WeChat bill is.
func writeBackquoted(b *bytes.Buffer, fields []string) {
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('`')
		b.WriteString(f)
	}
}

// gzipBytes compresses data (bills with tar_type=GZIP).
func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(data)
	_ = zw.Close()
	return b.Bytes()
}

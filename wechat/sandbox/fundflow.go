package sandbox

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
)

// The fund-flow bill (资金账单) lists the money that moved in one of the
// merchant's accounts on a day. The simulated merchant has only its basic
// account (BASIC / v2 Basic); the operation and fee accounts never move,
// so their bills are "no statement". See README "Fund-flow bills" for
// what is confirmed and what is assumed.
var (
	fundFlowHeader        = []string{"记账时间", "微信支付业务单号", "资金流水单号", "业务名称", "业务类型", "收支类型", "收支金额(元)", "账户结余(元)", "资金变更提交申请人", "备注", "业务凭证号"}
	fundFlowSummaryHeader = []string{"资金流水总笔数", "收入笔数", "收入金额", "支出笔数", "支出金额"}
)

// fundFlowAccounts maps the account_type spellings of v3 (upper case) and
// v2 (capitalised) to whether the account has flows.
var fundFlowAccounts = map[string]bool{"BASIC": true, "OPERATION": false, "FEES": false, "Basic": true, "Operation": false, "Fees": false}

var errAccountType = &apiError{"PARAM_ERROR", "PARAM_ERROR", http.StatusBadRequest, "account_type参数错误"}

// fundRow is one flow before the balance is known.
type fundRow struct {
	at     time.Time
	n      uint64 // creation number: keeps equal times in ledger order
	id     string // 微信支付业务单号 and 资金流水单号
	kind   string // 业务名称 and 业务类型: 交易 or 退款
	income bool
	fen    int64 // what moved, net of the fee
	remark string
	ref    string // 业务凭证号: out_trade_no or out_refund_no
}

// fundFlow renders the fund-flow bill of day for account from the ledger:
// each payment of the day credited at its success time with what settles
// less the fee (备注 "结算总金额 … 元;含手续费 … 元"), each refund asked
// that day debited at its request time with what leaves the settlement
// less the fee returned (备注 "退款总金额…元;含手续费…元"). Availability
// and refusals are the trade bill's.
func (s *Server) fundFlow(now, day time.Time, account string) ([]byte, *apiError) {
	moves, ok := fundFlowAccounts[account]
	if !ok {
		return nil, errAccountType
	}
	day = billDay(day)
	if err := billAvailable(now, day); err != nil {
		return nil, err
	}
	if !moves {
		return nil, errNoStatement
	}
	end := day.AddDate(0, 0, 1)
	in := func(t time.Time) bool { return !t.Before(day) && t.Before(end) }
	var rows []fundRow
	s.led.paidOn(day, func(o *order) {
		if !o.paid() || !in(o.SuccessTime) {
			return
		}
		settle := o.settlementFen()
		fee := feeFen(settle)
		rows = append(rows, fundRow{at: o.SuccessTime, n: o.N, id: o.TransactionID, kind: "交易", income: true, fen: settle - fee,
			remark: fmt.Sprintf("结算总金额 %s 元;含手续费 %s 元", yuan(settle), yuan(fee)), ref: o.OutTradeNo})
	})
	s.led.refundedOn(day, func(r *refund) {
		if !in(r.CreateTime) {
			return
		}
		settle := r.settlementRefundFen()
		fee := feeFen(settle)
		rows = append(rows, fundRow{at: r.CreateTime, n: r.N, id: r.RefundID, kind: "退款", fen: settle - fee,
			remark: fmt.Sprintf("退款总金额%s元;含手续费%s元", yuan(settle), yuan(fee)), ref: r.OutRefundNo})
	})
	if len(rows) == 0 {
		return nil, errNoStatement
	}
	return renderFundFlow(rows), nil
}

// renderFundFlow writes the rows in time order with the running balance
// of the day (the simulated merchant's balance is withdrawn every night:
// each day starts at 0.00), then the summary.
func renderFundFlow(rows []fundRow) []byte {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].at.Before(rows[j].at) })
	var b bytes.Buffer
	b.WriteString(strings.Join(fundFlowHeader, ","))
	var balance, income, expense int64
	var nIn, nOut int
	for _, r := range rows {
		dir := "支出"
		if r.income {
			dir = "收入"
			balance += r.fen
			income += r.fen
			nIn++
		} else {
			balance -= r.fen
			expense += r.fen
			nOut++
		}
		b.WriteByte('\n')
		writeBackquoted(&b, []string{r.at.In(tz.Shanghai).Format(time.DateTime), r.id, r.id, r.kind, r.kind, dir, yuan(r.fen), yuan(balance), "system", r.remark, r.ref})
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(fundFlowSummaryHeader, ","))
	b.WriteByte('\n')
	writeBackquoted(&b, []string{fmt.Sprint(len(rows)), fmt.Sprint(nIn), yuan(income), fmt.Sprint(nOut), yuan(expense)})
	return b.Bytes()
}

// handleV3FundFlowBill is GET /v3/bill/fundflowbill: the same apply and
// download as the trade bill. Asked by the service provider it is the
// provider's own account (申请服务商资金账单), which the sandbox's
// provider never has money in: its sub-merchants' money is theirs (see
// handleV3SubFundFlowBill).
func (s *Server) handleV3FundFlowBill(r *http.Request, _ []byte) v3Reply {
	q := r.URL.Query()
	day, rep, ok := v3BillDate(q.Get("bill_date"))
	if !ok {
		return rep
	}
	if s.spCaller(r) {
		s.update(func(now time.Time) bool {
			rep = v3BillRefusal(providerFundFlow(now, day))
			return false
		})
		return rep
	}
	account := q.Get("account_type")
	if account == "" {
		account = "BASIC"
	}
	if account != strings.ToUpper(account) {
		return v3Err(errAccountType)
	}
	tar := q.Get("tar_type")
	if tar != "" && tar != "GZIP" {
		return v3Err(errTarType)
	}
	s.update(func(now time.Time) bool {
		data, aerr := s.fundFlow(now, day, account)
		if aerr != nil {
			rep = v3BillRefusal(aerr)
			return false
		}
		rep = s.offerBill(r, now, data, tar)
		return false
	})
	return rep
}

// handleDownloadFundFlow is v2 /pay/downloadfundflow: HMAC-SHA256 only
// (PROTOCOL A.16) and, over TLS, the merchant certificate (withClientCert).
func (s *Server) handleDownloadFundFlow(p map[string]string) v2Result {
	if p["sign_type"] != "HMAC-SHA256" {
		return v2Fail("sign_type参数错误，资金账单仅支持HMAC-SHA256")
	}
	day, err := time.ParseInLocation("20060102", p["bill_date"], tz.Shanghai)
	if err != nil {
		return v2Result{fail: errBillDate.msg, code: errBillDate.v2}
	}
	account := p["account_type"]
	if account != "Basic" && account != "Operation" && account != "Fees" {
		return v2Fail(errAccountType.msg)
	}
	var data []byte
	var aerr *apiError
	s.update(func(now time.Time) bool {
		if s.v2SP(p) {
			aerr = providerFundFlow(now, day) // the provider's own account, whatever sub_mch_id says
			return false
		}
		data, aerr = s.fundFlow(now, day, account)
		return false
	})
	if aerr != nil {
		return v2Result{fail: aerr.msg, code: aerr.v2}
	}
	switch p["tar_type"] {
	case "":
		return v2Result{raw: data}
	case "GZIP":
		return v2Result{raw: gzipBytes(data)}
	}
	return v2Result{fail: errTarType.msg, code: errTarType.v2}
}

var v2DownloadFundFlow = &v2Endpoint{fields: []field{
	{name: "bill_date", max: 8, required: true}, {name: "account_type", max: 16, required: true}, {name: "tar_type", max: 8},
}}

// providerFundFlow is why the service provider's own fund-flow bill of day
// is refused: the trade bill's availability, else no statement (the
// sandbox's provider earns nothing of its own).
func providerFundFlow(now, day time.Time) *apiError {
	if err := billAvailable(now, billDay(day)); err != nil {
		return err
	}
	return errNoStatement
}

// subFundFlowAccounts are the account_type values of the sub-merchant
// fund-flow bill and whether the sub-merchant's account has flows (its
// page adds DEPOSIT, 保证金账户).
var subFundFlowAccounts = map[string]bool{"BASIC": true, "OPERATION": false, "FEES": false, "DEPOSIT": false}

// handleV3SubFundFlowBill is GET /v3/bill/sub-merchant-fundflowbill, the
// service provider asking for its sub-merchant's fund flow: sub_mchid,
// bill_date, account_type and algorithm required (the official page),
// tar_type optional. The bill is the sub-merchant's ledger's, rendered as
// the direct merchant's, offered as one encrypted file (offerEncryptedBill).
func (s *Server) handleV3SubFundFlowBill(r *http.Request, _ []byte) v3Reply {
	if !s.spCaller(r) {
		return v3Err(errSubMchNotAllowed)
	}
	q := r.URL.Query()
	for _, name := range []string{"sub_mchid", "bill_date", "account_type", "algorithm"} {
		if q.Get(name) == "" {
			return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "缺少参数" + name, Detail: &v3Detail{Field: name, Location: "query"}})
		}
	}
	led, aerr := s.subLedger(q.Get("sub_mchid"))
	if aerr != nil {
		return v3Err(aerr)
	}
	day, rep, ok := v3BillDate(q.Get("bill_date"))
	if !ok {
		return rep
	}
	account := q.Get("account_type")
	moves, ok := subFundFlowAccounts[account]
	if !ok {
		return v3Err(errAccountType)
	}
	if !moves {
		account = "OPERATION" // never moves, refused like the direct merchant's
	}
	switch q.Get("algorithm") {
	case "AEAD_AES_256_GCM":
	case "SM4_GCM":
		return v3Err(errParam.with("algorithm暂不支持SM4_GCM")) // the sandbox's limit, see README
	default:
		return v3Err(errParam.with("algorithm参数错误"))
	}
	tar := q.Get("tar_type")
	if tar != "" && tar != "GZIP" {
		return v3Err(errTarType)
	}
	s.updateIn(led, func(now time.Time) bool {
		data, aerr := s.fundFlow(now, day, account)
		if aerr != nil {
			rep = v3BillRefusal(aerr)
			return false
		}
		rep = s.offerEncryptedBill(r, now, data, tar)
		return false
	})
	return rep
}

// offerEncryptedBill keeps data for download as an encrypted bill file
// for the provider (wechat.EncryptBillFile under its merchant certificate's
// key; gzipped first with tar GZIP) and answers the apply call with its
// one-file download_bill_list. hash_value is the SHA1 of the plain,
// uncompressed bill, as the trade bill's (assumed).
func (s *Server) offerEncryptedBill(r *http.Request, now time.Time, data []byte, tar string) v3Reply {
	sum := sha1.Sum(data)
	if tar == "GZIP" {
		data = gzipBytes(data)
	}
	file, key, nonce, err := wechat.EncryptBillFile(s.sp.merchantPub, data)
	if err != nil {
		return v3Err(errSystem)
	}
	return v3JSON(http.StatusOK, map[string]any{"download_bill_count": 1, "download_bill_list": []map[string]any{{
		"bill_sequence": 1, "download_url": s.keepDownload(r, now, file), "encrypt_key": key,
		"hash_type": "SHA1", "hash_value": hex.EncodeToString(sum[:]), "nonce": nonce,
	}}})
}

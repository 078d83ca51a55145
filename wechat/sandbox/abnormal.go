package sandbox

import (
	"crypto/rsa"
	"net/http"
	"slices"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// Abnormal refunds. A refund ends ABNORMAL when the account it went back
// to is closed or frozen: SetRefundOutcome (POST /sandbox/refund/outcome)
// makes one so, and every refund of an order paid with a
// ScenarioRefundAbnormal code ends so. The merchant then settles it with
// POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund: to
// the customer's other debit card (bank_type, and bank_account and
// real_name encrypted with the key Wechatpay-Serial names) or back to the
// merchant's bank account. The refund is PROCESSING again and ends
// SUCCESS after Options.RefundDelay, with its notification.

// The refusals of apply-abnormal-refund. The rules are the documented
// ones; the codes and texts for a refund that is not ABNORMAL or whose
// numbers do not match are the sandbox's (not captured).
var (
	errAbnormalState    = errInvalidRequest.with("退款单状态不是退款异常，不能发起异常退款")
	errAbnormalMismatch = errInvalidRequest.with("商户退款单号与微信退款单号不匹配")
)

// abnormalBanks maps the debit cards an abnormal refund can go to (bank
// type list of the API page) to the name user_received_account shows.
var abnormalBanks = map[string]string{
	"CMB_DEBIT": "招商银行", "COMM_DEBIT": "交通银行", "ABC_DEBIT": "农业银行", "CCB_DEBIT": "建设银行",
	"ICBC_DEBIT": "工商银行", "BOC_DEBIT": "中国银行", "PAB_DEBIT": "平安银行", "SPDB_DEBIT": "浦发银行",
	"CITIC_DEBIT": "中信银行", "CEB_DEBIT": "光大银行", "CMBC_DEBIT": "民生银行", "CIB_DEBIT": "兴业银行",
	"GDB_DEBIT": "广发银行", "PSBC_DEBIT": "邮储银行", "NBCB_DEBIT": "宁波银行",
}

type v3AbnormalReq struct {
	SubMchID    string `json:"sub_mchid"` // a service provider's call: its sub-merchant
	OutRefundNo string `json:"out_refund_no"`
	Type        string `json:"type"`
	BankType    string `json:"bank_type"`
	BankAccount string `json:"bank_account"`
	RealName    string `json:"real_name"`
}

func (s *Server) handleV3ApplyAbnormalRefund(r *http.Request, body []byte) v3Reply {
	var req v3AbnormalReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	led, rep, ok := s.refundLedger(r, req.SubMchID)
	if !ok {
		return rep
	}
	if rep, ok := runChecks(str("/sub_mchid", req.SubMchID, false, 0, 32),
		str("/out_refund_no", req.OutRefundNo, true, 1, 64), str("/type", req.Type, true, 1, 32),
		str("/bank_type", req.BankType, false, 0, 16), str("/bank_account", req.BankAccount, false, 0, 1024),
		str("/real_name", req.RealName, false, 0, 1024)); !ok {
		return rep
	}
	var channel, account string
	switch req.Type {
	case "MERCHANT_BANK_CARD":
		channel, account = "OTHER_BANKCARD", "交易商户银行账户"
	case "USER_BANK_CARD":
		var rep v3Reply
		var ok bool
		if account, rep, ok = s.userBankCard(r, &req); !ok {
			return rep
		}
		channel = "OTHER_BANKCARD"
	default:
		return v3Param("/type", "取值规则校验失败，应为USER_BANK_CARD或MERCHANT_BANK_CARD")
	}
	s.updateIn(led, func(now time.Time) bool {
		rf := s.led.refundByID(r.PathValue("refund_id"))
		switch {
		case rf == nil:
			rep = v3Err(errRefundNotExist)
			return false
		case rf.OutRefundNo != req.OutRefundNo:
			rep = v3Err(errAbnormalMismatch)
			return false
		case rf.AbnormalType != "" && rf.Status != refundAbnormal:
			// Asked again after it was accepted: the refund as it stands.
			rep = v3JSON(http.StatusOK, v3RefundOf(rf))
			return false
		case rf.Status != refundAbnormal:
			rep = v3Err(errAbnormalState)
			return false
		}
		rf.AbnormalType, rf.Channel, rf.ReceivedAccount = req.Type, channel, account
		rf.Status, rf.Outcome = refundProcessing, ""
		rf.CompleteAt = now.Add(s.opts.RefundDelay)
		if s.opts.RefundDelay <= 0 {
			s.led.finishRefund(rf, now)
		}
		rep = v3JSON(http.StatusOK, v3RefundOf(rf))
		return true
	})
	return rep
}

// userBankCard checks the USER_BANK_CARD fields and decrypts them with the
// key the request's Wechatpay-Serial names; it returns what
// user_received_account will show ("招商银行借记卡0403").
func (s *Server) userBankCard(r *http.Request, req *v3AbnormalReq) (string, v3Reply, bool) {
	for _, f := range []struct{ path, v string }{{"/bank_type", req.BankType}, {"/bank_account", req.BankAccount}, {"/real_name", req.RealName}} {
		if f.v == "" {
			return "", v3Param(f.path, "必填性规则校验失败，退款至用户银行卡时此字段为必填项"), false
		}
	}
	bank, ok := abnormalBanks[req.BankType]
	if !ok {
		return "", v3Param("/bank_type", "取值规则校验失败，仅支持招行、交通银行、农行、建行、工商、中行、平安、浦发、中信、光大、民生、兴业、广发、邮储、宁波银行的借记卡"), false
	}
	key := s.sensitiveKey(r, r.Header.Get("Wechatpay-Serial"))
	if key == nil {
		return "", v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR",
			Message: "Wechatpay-Serial须为微信支付公钥ID或有效的平台证书序列号", Detail: &v3Detail{Field: "Wechatpay-Serial", Location: "header"}}), false
	}
	acct, err := wechat.DecryptSensitive(key, req.BankAccount)
	if err != nil {
		return "", v3Param("/bank_account", "解密失败，请使用Wechatpay-Serial对应的公钥以RSA-OAEP加密"), false
	}
	if _, err := wechat.DecryptSensitive(key, req.RealName); err != nil {
		return "", v3Param("/real_name", "解密失败，请使用Wechatpay-Serial对应的公钥以RSA-OAEP加密"), false
	}
	if len(acct) < 10 || len(acct) > 30 || slices.ContainsFunc([]byte(acct), func(c byte) bool { return c < '0' || c > '9' }) {
		return "", v3Param("/bank_account", "格式规则校验失败，银行卡号应为10-30位数字"), false
	}
	return bank + "借记卡" + acct[len(acct)-4:], v3Reply{}, true
}

// sensitiveKey is the private key a request's Wechatpay-Serial names for
// its encrypted fields, or nil: the caller's own WeChat Pay public key (a
// service provider's is its own; it has no platform certificate) or the
// direct merchant's platform certificate.
func (s *Server) sensitiveKey(r *http.Request, serial string) *rsa.PrivateKey {
	switch {
	case serial == "":
		return nil
	case s.spCaller(r):
		if serial == s.sp.c.PublicKeyID {
			return s.sp.pubKeyPriv
		}
		return nil
	case serial == s.creds.PublicKeyID:
		return s.pubKeyPriv
	case s.opts.KeyMode != PublicKeyOnlyMode && serial == wechat.CertificateSerial(s.platformCert):
		return s.platformPriv
	}
	return nil
}

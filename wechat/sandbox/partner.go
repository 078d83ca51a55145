package sandbox

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// PartnerCredentials are the simulated service provider (服务商) and the
// one sub-merchant (特约商户) it serves: their identities and the
// provider's keys. A sub-merchant has no keys of its own: every call for it
// is the provider's, signed with the provider's merchant key and answered
// with the provider's WeChat Pay public key.
type PartnerCredentials struct {
	SpMchID  string `json:"sp_mchid"`
	SpAppID  string `json:"sp_appid"`
	SubMchID string `json:"sub_mchid"`
	SubAppID string `json:"sub_appid"`
	// APIKey is the provider's v2 key, APIV3Key its APIv3 key.
	APIKey   string `json:"api_key"`
	APIV3Key string `json:"api_v3_key"`
	// MerchantKeyPEM and MerchantCertPEM are the provider's API certificate.
	MerchantKeyPEM  string `json:"merchant_key_pem"`
	MerchantCertPEM string `json:"merchant_cert_pem"`
	// PublicKeyID and PublicKeyPrivatePEM are the provider's WeChat Pay
	// public key (a provider admitted today gets no platform certificate).
	PublicKeyID         string `json:"public_key_id"`
	PublicKeyPrivatePEM string `json:"public_key_private_pem"`
}

// generatePartner makes a service provider and its sub-merchant, the
// provider's certificate issued by the sandbox CA.
func generatePartner(ca *x509.Certificate, caKey *ecdsa.PrivateKey, now time.Time) (*PartnerCredentials, error) {
	p := &PartnerCredentials{
		SpMchID: "16" + randomDigits(8), SpAppID: "wx" + strings.ToLower(randomHex(8)),
		SubMchID: "17" + randomDigits(8), SubAppID: "wx" + strings.ToLower(randomHex(8)),
		APIKey: randomToken(32), APIV3Key: randomToken(32),
	}
	var err error
	p.MerchantKeyPEM, p.MerchantCertPEM, err = issueRSA(ca, caKey, pkix.Name{
		CommonName: p.SpMchID, Organization: []string{"微信商户系统"}, OrganizationalUnit: []string{"wxpos sandbox service provider"},
	}, x509.ExtKeyUsageClientAuth, now)
	if err != nil {
		return nil, err
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("sandbox: partner public key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	p.PublicKeyPrivatePEM = pemString("PRIVATE KEY", der)
	p.PublicKeyID = "PUB_KEY_ID_01" + randomDigits(34)
	return p, nil
}

// addPartner gives credentials made before the partner existed one.
func addPartner(c *Credentials) error {
	block, _ := pem.Decode([]byte(c.CACertPEM))
	if block == nil {
		return errors.New("sandbox: CA certificate: no PEM block")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("sandbox: CA certificate: %w", err)
	}
	block, _ = pem.Decode([]byte(c.CAKeyPEM))
	if block == nil {
		return errors.New("sandbox: CA key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("sandbox: CA key: %w", err)
	}
	caKey, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return errors.New("sandbox: CA key is not ECDSA")
	}
	p, err := generatePartner(ca, caKey, time.Now())
	if err != nil {
		return err
	}
	c.Partner = *p
	return nil
}

// partner is the service provider at run time: its parsed keys and the
// sub-merchant's ledger, which shares the direct merchant's file but not a
// single order: each merchant numbers its own orders, so the same
// out_trade_no may exist in both, and neither sees the other's.
type partner struct {
	c           *PartnerCredentials
	merchantPub *rsa.PublicKey
	cert        *x509.Certificate
	serial      string
	pubKeyPriv  *rsa.PrivateKey
	led         *ledger
}

// subSeqBase starts the sub-merchant's identifier counter where the direct
// merchant's never reaches, so a transaction_id or refund_id names one
// order in the whole sandbox, as WeChat's do.
const subSeqBase = 500_000_000_000_000

func (s *Server) openPartner() error {
	c := &s.creds.Partner
	if c.SpMchID == "" || c.SubMchID == "" || c.SpAppID == "" || len(c.APIKey) != 32 || len(c.APIV3Key) != 32 {
		return errors.New("sandbox: partner credentials need sp_mchid, sp_appid, sub_mchid and 32-character API keys")
	}
	p := &partner{c: c}
	var err error
	if p.cert, err = wechat.ParseCertificatePEM([]byte(c.MerchantCertPEM)); err != nil {
		return fmt.Errorf("sandbox: partner certificate: %w", err)
	}
	p.merchantPub = p.cert.PublicKey.(*rsa.PublicKey)
	p.serial = wechat.CertificateSerial(p.cert)
	if p.pubKeyPriv, err = wechat.ParsePrivateKeyPEM([]byte(c.PublicKeyPrivatePEM)); err != nil {
		return fmt.Errorf("sandbox: partner WeChat Pay public key: %w", err)
	}
	if !strings.HasPrefix(c.PublicKeyID, "PUB_KEY_ID_") {
		return errors.New("sandbox: partner public key id must start with PUB_KEY_ID_")
	}
	if p.led, err = ledgerOn(s.home.db, c.SubMchID); err != nil {
		return fmt.Errorf("sandbox: sub-merchant ledger: %w", err)
	}
	p.led.sub = true
	if p.led.meta.Seq == 0 {
		p.led.meta.Seq = subSeqBase
	}
	s.sp = p
	return nil
}

// inSub reports whether the current update is the sub-merchant's (s.mu held).
func (s *Server) inSub() bool { return s.led == s.sp.led }

// spCaller reports whether r is signed in the service provider's name
// (Authorization mchid): its answers are signed with the provider's key.
func (s *Server) spCaller(r *http.Request) bool {
	a, err := wechat.ParseAuthorization(r.Header.Get("Authorization"))
	return err == nil && a.MchID == s.sp.c.SpMchID
}

// Refusals of the partner calls. The first two are as seen in the wild
// (yansongda/pay#1049, go-pay/gopay#281); the binding refusal's text is
// the sandbox's (assumed).
var (
	errSubMchRequired   = errParam.with("受理机构必须传入sub_mch_id")
	errSubMchNotAllowed = errParam.with("普通商户不允许传sub_mch_id")
	errSubMchUnbound    = errInvalidRequest.with("特约商户号与服务商不存在受理关系")
	errSpMchMismatch    = errParam.with("sp_mchid与请求签名的商户号不一致")
)

// subMchIDIn is the sub_mchid of a JSON body, "" when absent or unreadable.
func subMchIDIn(body []byte) string {
	var v struct {
		SubMchID string `json:"sub_mchid"`
	}
	_ = json.Unmarshal(body, &v)
	return v.SubMchID
}

// subLedger checks that the provider serves sub (the binding) and returns
// the sub-merchant's ledger.
func (s *Server) subLedger(sub string) (*ledger, *apiError) {
	switch sub {
	case "":
		return nil, errSubMchRequired
	case s.sp.c.SubMchID:
		return s.sp.led, nil
	}
	return nil, errSubMchUnbound
}

// refundLedger picks the ledger of a refund call: the provider names its
// sub-merchant (sub_mchid), a direct merchant must not.
func (s *Server) refundLedger(r *http.Request, sub string) (*ledger, v3Reply, bool) {
	if !s.spCaller(r) {
		if sub != "" {
			return nil, v3Err(errSubMchNotAllowed), false
		}
		return nil, v3Reply{}, true
	}
	led, err := s.subLedger(sub)
	if err != nil {
		return nil, v3Err(err), false
	}
	return led, v3Reply{}, true
}

// billLedger is refundLedger for bills, where a provider may leave
// sub_mchid out: its one sub-merchant's trades are all it has.
func (s *Server) billLedger(r *http.Request, sub string) (*ledger, v3Reply, bool) {
	if s.spCaller(r) && sub == "" {
		return s.sp.led, v3Reply{}, true
	}
	return s.refundLedger(r, sub)
}

// spIDs are the identity fields of a partner call's body.
type spIDs struct {
	SpAppID  string `json:"sp_appid"`
	SpMchID  string `json:"sp_mchid"`
	SubAppID string `json:"sub_appid"`
	SubMchID string `json:"sub_mchid"`
}

// check validates the identities in the order the service states them:
// present, the provider's own, then the binding.
func (s *Server) checkIDs(r *http.Request, ids spIDs, needAppID bool) (*ledger, v3Reply, bool) {
	cs := []check{str("/sp_mchid", ids.SpMchID, true, 1, 32), str("/sub_mchid", ids.SubMchID, true, 1, 32),
		str("/sub_appid", ids.SubAppID, false, 0, 32)}
	if needAppID {
		cs = append([]check{str("/sp_appid", ids.SpAppID, true, 1, 32)}, cs...)
	}
	if rep, ok := runChecks(cs...); !ok {
		return nil, rep, false
	}
	return s.checkBinding(r, ids)
}

func (s *Server) checkBinding(r *http.Request, ids spIDs) (*ledger, v3Reply, bool) {
	if !s.spCaller(r) {
		return nil, v3Err(errSubMchNotAllowed), false
	}
	if ids.SpMchID != s.sp.c.SpMchID {
		return nil, v3Err(errSpMchMismatch), false
	}
	if ids.SpAppID != "" && ids.SpAppID != s.sp.c.SpAppID {
		return nil, v3Err(errAppIDMismatch), false
	}
	led, err := s.subLedger(ids.SubMchID)
	if err != nil {
		return nil, v3Err(err), false
	}
	if ids.SubAppID != "" && ids.SubAppID != s.sp.c.SubAppID {
		return nil, v3Err(errAppIDMismatch.with("sub_appid与sub_mchid不匹配")), false
	}
	return led, v3Reply{}, true
}

// partnerRoutes registers the partner (服务商) payment endpoints; refunds,
// their queries and bills share the direct merchant's paths and tell the
// provider by its signature.
func (s *Server) partnerRoutes(mux *http.ServeMux) {
	mux.Handle("POST /v3/pay/partner/transactions/codepay", s.v3(s.handleSPCodepay))
	mux.Handle("POST /v3/pay/partner/transactions/native", s.v3(s.handleSPNative))
	for path, kind := range map[string]string{"jsapi": tradeJSAPI, "app": tradeApp, "h5": tradeMWEB} {
		mux.Handle("POST /v3/pay/partner/transactions/"+path, s.v3(func(r *http.Request, body []byte) v3Reply {
			return s.spPrepay(kind, r, body)
		}))
	}
	mux.Handle("GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}", s.v3(s.handleSPQueryOutTradeNo))
	mux.Handle("GET /v3/pay/partner/transactions/id/{transaction_id}", s.v3(s.handleSPQueryID))
	mux.Handle("POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close", s.v3(s.handleSPClose))
	mux.Handle("POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/reverse", s.v3(s.handleSPReverse))
}

// v3PartnerTx is the partner transaction JSON (query, codepay, payment
// notification): the provider's and sub-merchant's ids instead of
// appid/mchid, and the payer's openid under each app.
type v3PartnerTx struct {
	SpAppID        string          `json:"sp_appid"`
	SpMchID        string          `json:"sp_mchid"`
	SubAppID       string          `json:"sub_appid,omitempty"`
	SubMchID       string          `json:"sub_mchid"`
	OutTradeNo     string          `json:"out_trade_no"`
	TransactionID  string          `json:"transaction_id,omitempty"`
	TradeType      string          `json:"trade_type,omitempty"`
	TradeState     string          `json:"trade_state"`
	TradeStateDesc string          `json:"trade_state_desc"`
	BankType       string          `json:"bank_type,omitempty"`
	Attach         string          `json:"attach"`
	SuccessTime    string          `json:"success_time,omitempty"`
	Payer          *v3PartnerPayer `json:"payer,omitempty"`
	Amount         v3TxAmount      `json:"amount"`
	SceneInfo      *v3TxSceneInfo  `json:"scene_info,omitempty"`
	Promotion      *[]v3Promotion  `json:"promotion_detail,omitempty"`
}

type v3PartnerPayer struct {
	SpOpenID  string `json:"sp_openid"`
	SubOpenID string `json:"sub_openid,omitempty"`
}

// partnerTx is o in the partner shape, built from the direct one so both
// follow the same rules (what an unpaid order shows, when payer appears).
func (s *Server) partnerTx(o *order) v3PartnerTx {
	d := s.v3Tx(o)
	c := s.sp.c
	t := v3PartnerTx{
		SpAppID: c.SpAppID, SpMchID: c.SpMchID, SubMchID: c.SubMchID,
		OutTradeNo: d.OutTradeNo, TransactionID: d.TransactionID, TradeType: d.TradeType,
		TradeState: d.TradeState, TradeStateDesc: d.TradeStateDesc, BankType: d.BankType, Attach: d.Attach,
		SuccessTime: d.SuccessTime, Amount: d.Amount, SceneInfo: d.SceneInfo, Promotion: d.Promotion,
	}
	if o.SubAppID != "" {
		t.SubAppID = o.SubAppID
	}
	if d.Payer != nil {
		t.Payer = &v3PartnerPayer{SpOpenID: d.Payer.OpenID, SubOpenID: o.subOpenID()}
	}
	return t
}

type v3SPCodepayReq struct {
	spIDs
	v3CodepayReq
}

func (s *Server) handleSPCodepay(r *http.Request, body []byte) v3Reply {
	var req v3SPCodepayReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	led, rep, ok := s.checkIDs(r, req.spIDs, true)
	if !ok {
		return rep
	}
	req.AppID, req.MchID = req.SpAppID, req.SpMchID
	in, rep, ok := codepayInput(&req.v3CodepayReq)
	if !ok {
		return rep
	}
	in.SubAppID = req.SubAppID
	return s.codepayIn(led, in, func(o *order) any { return s.partnerTx(o) })
}

type v3SPNativeReq struct {
	spIDs
	v3NativeReq
}

func (s *Server) handleSPNative(r *http.Request, body []byte) v3Reply {
	var req v3SPNativeReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	led, rep, ok := s.checkIDs(r, req.spIDs, true)
	if !ok {
		return rep
	}
	req.AppID, req.MchID = req.SpAppID, req.SpMchID
	in, rep, ok := nativeInput(&req.v3NativeReq)
	if !ok {
		return rep
	}
	in.SubAppID = req.SubAppID
	return s.nativeIn(led, in)
}

// v3SPPrepayReq is the body of POST /v3/pay/partner/transactions/{jsapi,
// app,h5}: the partner ids, the direct kinds' fields, and a JSAPI payer
// under either app (Payer shadows the direct one's).
type v3SPPrepayReq struct {
	spIDs
	v3PrepayReq
	Payer *struct {
		SpOpenID  string `json:"sp_openid"`
		SubOpenID string `json:"sub_openid"`
	} `json:"payer"`
}

// spPrepay is the partner JSAPI, App and H5 prepay: the ids and the
// binding as for codepay and native, then the direct kind's rules with
// the partner payer, the order in the sub-merchant's ledger.
func (s *Server) spPrepay(kind string, r *http.Request, body []byte) v3Reply {
	var req v3SPPrepayReq
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	led, rep, ok := s.checkIDs(r, req.spIDs, true)
	if !ok {
		return rep
	}
	req.AppID, req.MchID = req.SpAppID, req.SpMchID
	var openID, subOpenID string
	in, rep, ok := prepayInput(kind, &req.v3PrepayReq, func() (v3Reply, bool) {
		var rep v3Reply
		var ok bool
		openID, subOpenID, rep, ok = spPayer(kind, &req)
		return rep, ok
	})
	if !ok {
		return rep
	}
	in.SubAppID, in.SubOpenID = req.SubAppID, subOpenID
	return s.prepayIn(led, kind, in, openID)
}

// spPayer checks a partner JSAPI payer: sp_openid (under sp_appid) or
// sub_openid (under sub_appid, which it then requires), at least one —
// the official partner JSAPI field table; the refusals' texts are the
// sandbox's (assumed). It returns the payer's openid under sp_appid
// (derived when only sub_openid came) and sub_openid.
func spPayer(kind string, req *v3SPPrepayReq) (sp, sub string, rep v3Reply, ok bool) {
	if kind != tradeJSAPI {
		return "", "", v3Reply{}, true
	}
	if req.Payer == nil {
		return "", "", v3Param("/payer", "必填性规则校验失败，此字段为必填项"), false
	}
	sp, sub = req.Payer.SpOpenID, req.Payer.SubOpenID
	if rep, ok := runChecks(str("/payer/sp_openid", sp, false, 0, 128), str("/payer/sub_openid", sub, false, 0, 128)); !ok {
		return "", "", rep, false
	}
	switch {
	case sp == "" && sub == "":
		return "", "", v3Param("/payer", "sp_openid和sub_openid不能同时为空"), false
	case sub != "" && req.SubAppID == "":
		return "", "", v3Param("/sub_appid", "传入sub_openid时sub_appid必填"), false
	case sp == "":
		sp = spOpenIDOf(sub)
	}
	return sp, sub, v3Reply{}, true
}

// subOpenID is a partner order's payer under sub_appid: as the merchant
// named it (JSAPI), else derived from its openid; "" without sub_appid.
func (o *order) subOpenID() string {
	switch {
	case o.SubOpenID != "":
		return o.SubOpenID
	case o.SubAppID != "" && o.OpenID != "":
		return openIDFor("sub:" + o.OpenID)
	}
	return ""
}

// spOpenIDOf is the payer's openid under sp_appid that WeChat knows for
// the payer of sub_openid sub.
func spOpenIDOf(sub string) string { return openIDFor("sp:" + sub) }

// spQuery answers the partner queries, whose ids come in the query string.
func (s *Server) spQuery(r *http.Request, transactionID, outTradeNo string) v3Reply {
	q := r.URL.Query()
	for _, k := range []string{"sp_mchid", "sub_mchid"} {
		if q.Get(k) == "" {
			return v3JSON(http.StatusBadRequest, v3ErrorBody{Code: "PARAM_ERROR", Message: "缺少参数" + k, Detail: &v3Detail{Field: k, Location: "query"}})
		}
	}
	led, rep, ok := s.checkBinding(r, spIDs{SpMchID: q.Get("sp_mchid"), SubMchID: q.Get("sub_mchid")})
	if !ok {
		return rep
	}
	s.updateIn(led, func(time.Time) bool {
		o, err := s.query(transactionID, outTradeNo)
		if err != nil {
			rep = v3Err(err)
			return false
		}
		rep = v3JSON(http.StatusOK, s.partnerTx(o))
		return false
	})
	return rep
}

func (s *Server) handleSPQueryOutTradeNo(r *http.Request, _ []byte) v3Reply {
	return s.spQuery(r, "", r.PathValue("out_trade_no"))
}

func (s *Server) handleSPQueryID(r *http.Request, _ []byte) v3Reply {
	return s.spQuery(r, r.PathValue("transaction_id"), "")
}

func (s *Server) handleSPClose(r *http.Request, body []byte) v3Reply {
	var req spIDs
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	led, rep, ok := s.checkIDs(r, req, false)
	if !ok {
		return rep
	}
	return s.closeIn(led, r.PathValue("out_trade_no"))
}

func (s *Server) handleSPReverse(r *http.Request, body []byte) v3Reply {
	var req spIDs
	if rep, ok := decodeJSON(body, &req); !ok {
		return rep
	}
	led, rep, ok := s.checkIDs(r, req, true)
	if !ok {
		return rep
	}
	no := r.PathValue("out_trade_no")
	s.updateIn(led, func(now time.Time) bool {
		o, err := s.reverse(now, "", no)
		if err != nil {
			rep = v3Err(err)
			return false
		}
		c := s.sp.c
		rep = v3JSON(http.StatusOK, map[string]string{"sp_appid": c.SpAppID, "sp_mchid": c.SpMchID,
			"sub_appid": req.SubAppID, "sub_mchid": c.SubMchID, "out_trade_no": o.OutTradeNo})
		return true
	})
	return rep
}

// partnerRefundResource is the decrypted resource of a partner refund
// notification (the direct one's fields with sp_mchid and sub_mchid).
func (s *Server) partnerRefundResource(r *refund) map[string]any {
	return map[string]any{
		"sp_mchid": s.sp.c.SpMchID, "sub_mchid": s.sp.c.SubMchID,
		"out_trade_no": r.OutTradeNo, "transaction_id": r.TransactionID,
		"out_refund_no": r.OutRefundNo, "refund_id": r.RefundID, "refund_status": r.Status,
		"success_time": fmtV3Time(r.SuccessTime), "user_received_account": "支付用户零钱",
		"amount": map[string]int64{"total": r.TotalFen, "refund": r.AmountFen, "payer_total": r.TotalFen, "payer_refund": r.AmountFen},
	}
}

// PartnerLedger is Ledger for the sub-merchant.
func (s *Server) PartnerLedger() Ledger { return s.ledgerOf(s.sp.led) }

// v2SP reports whether the v2 request p is the service provider's (its
// mch_id; the signature is checked by v2SPCaller).
func (s *Server) v2SP(p map[string]string) bool { return p != nil && p["mch_id"] == s.sp.c.SpMchID }

// v2Ledger is the ledger a checked v2 request works on.
func (s *Server) v2Ledger(p map[string]string) *ledger {
	if s.v2SP(p) {
		return s.sp.led
	}
	return nil
}

// v2SPCaller is v2Caller for the service provider: its key, then the
// sub-merchant it names (受理机构必须传入sub_mch_id as seen in the wild:
// borball/weixin-sdk#64, helei112g/payment#72; the binding refusal's
// text is the sandbox's, assumed), then the app ids.
func (s *Server) v2SPCaller(p map[string]string) (wechat.SignType, string) {
	c := s.sp.c
	if p["appid"] == "" {
		return "", "缺少参数appid"
	}
	signType := wechat.SignType(p["sign_type"])
	if signType == "" {
		signType = wechat.SignMD5
	}
	if !signType.Valid() {
		return "", "sign_type参数格式错误"
	}
	if p["sign"] == "" {
		return "", "缺少参数sign"
	}
	if !wechat.VerifyV2(p, c.APIKey) {
		return "", "签名错误"
	}
	switch p["sub_mch_id"] {
	case "":
		return "", errSubMchRequired.msg
	case c.SubMchID:
	default:
		return "", "sub_mch_id与mch_id不匹配"
	}
	if p["appid"] != c.SpAppID {
		return "", "appid和mch_id不匹配"
	}
	if p["sub_appid"] != "" && p["sub_appid"] != c.SubAppID {
		return "", "sub_appid和sub_mch_id不匹配"
	}
	return signType, ""
}

// Package wechat is the WeChat Pay (微信支付) client of wxpos: API v3 (JSON,
// SHA256withRSA, AES-256-GCM) and API v2 (XML, MD5/HMAC-SHA256, mTLS for
// /secapi), response verification, typed errors that say whether the outcome
// of a call is known, notification parsing and trade-bill parsing.
//
// # Protocol primitives
//
// The lowest layer is a set of pure functions shared with the simulator
// (wechat/sandbox): SignV2/VerifyV2, EncodeXML/DecodeXML, V3SignMessage,
// V3ResponseMessage, SignSHA256RSA/VerifySHA256RSA, BuildAuthorization/
// ParseAuthorization, EncryptAEADAES256GCM/DecryptAEADAES256GCM,
// DecryptRefundReqInfo/EncryptRefundReqInfo, the PEM parsers and NonceString.
// They follow /work/shared/wechatpay/PROTOCOL.md and are tested with the
// public vectors of VECTORS.md.
package wechat

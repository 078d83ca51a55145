// Package bill parses WeChat Pay daily trade bills (交易账单), the CSV text
// returned by v2 /pay/downloadbill and v3 /v3/bill/tradebill (PROTOCOL
// A.15.1), in constant memory.
//
// A bill has four parts: a detail header line (plain, Chinese column names),
// detail rows (every field prefixed with a backquote), a summary header line
// and one summary row. The parser keys on header names, not positions, so it
// reads the ALL, SUCCESS and REFUND layouts, the legacy 24-column set
// (总金额, 代金券或立减优惠金额, 子商户号 …) and the current 27/20/29-column
// sets. It tolerates a UTF-8 BOM, CRLF line ends, full-width punctuation and
// stray spaces in header names, a trailing newline and columns it does not
// know (they are skipped; the field count must still match the header).
//
// Amounts become exact int64 fen (手续费, printed with 5 decimals, becomes
// 1/1000 fen), times become time.Time in Asia/Shanghai. When the rows are
// exhausted the summary row is checked against the sums of the rows; any
// difference, and any malformed line, is a *ParseError naming the line and
// column. Nothing is skipped silently.
//
//	p := bill.NewParser(r)
//	for p.Next() {
//		row := p.Row() // valid until the next call to Next
//		…
//	}
//	if err := p.Err(); err != nil { … }
//	sum := p.Summary() // verified
//
// FundFlowParser reads the fund-flow bill (资金账单) the same way: columns
// 记账时间, 微信支付业务单号, 资金流水单号, 业务名称, 业务类型, 收支类型,
// 收支金额(元), 账户结余(元), 资金变更提交申请人, 备注, 业务凭证号 and the
// summary 资金流水总笔数, 收入笔数, 收入金额, 支出笔数, 支出金额, checked
// against the rows; the fee of a trade or refund line is read from its
// 备注 ("结算总金额 X 元;含手续费 F 元").
//
// Decompress opens a bill file or download for the parser: gunzipped when
// it is gzip, refused past Limits (256 MB of text, or a gzip stream that
// expands more than 100:1 — a gzip bomb) after reading only a little of it.
//
// Choices on points docs/wechatpay/PROTOCOL.md marks unconfirmed: 总交易单数 is the number
// of detail rows (pay and refund rows); each summary amount is the sum of
// its column (应结订单总金额 = Σ应结订单金额, 退款总金额 = Σ退款金额,
// 充值券退款总金额 = Σ充值券退款金额, 手续费总金额 = Σ手续费, 订单总金额 =
// Σ订单金额, 申请退款总金额 = Σ申请退款金额; legacy 总交易额 = Σ总金额);
// fields are never quoted, so a comma inside 商品名称 makes the field count
// wrong and the line an error.
package bill

package bill_test

import (
	"fmt"
	"strings"

	"github.com/wxpos/wxpos/wechat/bill"
)

func ExampleParser() {
	text := "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注\r\n" +
		"`2026-11-25 10:00:01,`wx1,`1900000001,`0,`POS-01,`4200000001,`T1,`o1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`12.34,`0.00,`咖啡,`,`0.07000,`0.60%,`12.34,`\r\n" +
		"总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n" +
		"`1,`12.34,`0.00,`0.00,`0.07000,`12.34,`0.00\r\n"
	p := bill.NewParser(strings.NewReader(text))
	for r := range p.Rows() {
		fmt.Println(r.OutTradeNo, r.SettlementTotal, "fen at", r.TradeTime.Format("15:04:05 MST"))
	}
	if err := p.Err(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verified rows:", p.Summary().Count)
	// Output:
	// T1 1234 fen at 10:00:01 CST
	// verified rows: 1
}

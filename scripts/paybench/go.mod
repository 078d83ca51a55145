module github.com/wxpos/wxpos/scripts/paybench

go 1.26

require github.com/wechatpay-apiv3/wechatpay-go v0.2.21

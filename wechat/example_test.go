package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/wxpos/wxpos/wechat"
)

// ExampleNew shows a v3 client in public-key mode and how a terminal
// branches on the outcome of a scan payment.
func ExampleNew() {
	keyPEM, _ := os.ReadFile("apiclient_key.pem")
	pubPEM, _ := os.ReadFile("pub_key.pem")
	c, err := wechat.New(
		wechat.WithMerchant("1900000001", "wx1234567890abcdef"),
		wechat.WithMerchantKey("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", keyPEM),
		wechat.WithWechatPayPublicKey("PUB_KEY_ID_0119000000012025000000000000", pubPEM),
		wechat.WithV3Key("0123456789abcdef0123456789abcdef"),
		wechat.WithBackupURL(wechat.DefaultBackupURL),
	)
	if err != nil {
		fmt.Println("bad key file:", errors.Is(err, wechat.ErrBadKey))
		return
	}
	txn, err := c.Codepay(context.Background(), wechat.CodepayRequest{
		OutTradeNo: "S01T01000123", Description: "门店-咖啡", AuthCode: "134567890123456789",
		Total: 1800, DeviceIP: "10.0.0.2",
	})
	switch {
	case err == nil:
		fmt.Println("paid", txn.TransactionID)
	case wechat.IsUserPaying(err):
		fmt.Println("waiting for the password: query every 5 s")
	case wechat.OutcomeUnknown(err):
		fmt.Println("unknown: query, then reverse")
	default:
		fmt.Println("declined:", wechat.ErrorCode(err))
	}
	// Output: bad key file: true
}

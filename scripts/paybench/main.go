// Command paybench makes one WeChat Pay v3 codepay (付款码) payment with the
// official wechatpay-go SDK against a running `wxpos sandbox`, reading its
// profile JSON: the baseline a whole-process `wxpos pay` is compared with.
//
//	paybench [-persist DB] PROFILE.json CODE
//
// With -persist it also does what the project's standards ask of any
// program that moves money (and the SDK alone does not): a synced bbolt
// commit of the intent before the POST and one of the result after it —
// the like-for-like floor for `wxpos pay`, which does the same.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"
	bolt "go.etcd.io/bbolt"
)

type profile struct {
	BaseURL string `json:"base_url"`
	AppID   string `json:"appid"`
	MchID   string `json:"mchid"`
	V3      struct {
		MerchantSerialNo      string `json:"merchant_serial_no"`
		MerchantPrivateKeyPEM string `json:"merchant_private_key_pem"`
		PlatformPublicKeyID   string `json:"platform_public_key_id"`
		PlatformPublicKeyPEM  string `json:"platform_public_key_pem"`
	} `json:"v3"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "paybench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("paybench", flag.ContinueOnError)
	persist := fs.String("persist", "", "bbolt file to commit the intent and the result to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) != 2 {
		return fmt.Errorf("usage: paybench [-persist DB] PROFILE.json CODE")
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var p profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	key, err := utils.LoadPrivateKey(p.V3.MerchantPrivateKeyPEM)
	if err != nil {
		return err
	}
	pub, err := utils.LoadPublicKey(p.V3.PlatformPublicKeyPEM)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := core.NewClient(ctx,
		option.WithWechatPayPublicKeyAuthCipher(p.MchID, p.V3.MerchantSerialNo, key, p.V3.PlatformPublicKeyID, pub))
	if err != nil {
		return err
	}
	no := fmt.Sprintf("OS%d", time.Now().UnixNano())
	record := func(string) error { return nil }
	if *persist != "" {
		db, err := bolt.Open(*persist, 0o600, &bolt.Options{Timeout: 5 * time.Second})
		if err != nil {
			return err
		}
		defer db.Close()
		record = func(state string) error {
			return db.Update(func(tx *bolt.Tx) error {
				b, err := tx.CreateBucketIfNotExists([]byte("orders"))
				if err != nil {
					return err
				}
				return b.Put([]byte(no), []byte(state))
			})
		}
	}
	if err := record("PAYING"); err != nil {
		return err
	}
	res, err := client.Post(ctx, p.BaseURL+"/v3/pay/transactions/codepay", map[string]any{
		"appid": p.AppID, "mchid": p.MchID, "description": "paybench", "out_trade_no": no,
		"amount":     map[string]any{"total": 1, "currency": "CNY"},
		"payer":      map[string]any{"auth_code": args[1]},
		"scene_info": map[string]any{"device_ip": "127.0.0.1", "device_id": "T01"},
	})
	if err != nil {
		return err
	}
	body, err := io.ReadAll(res.Response.Body)
	if err != nil {
		return err
	}
	var out struct {
		TradeState    string `json:"trade_state"`
		TransactionID string `json:"transaction_id"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return err
	}
	if out.TradeState != "SUCCESS" {
		return fmt.Errorf("%s: %s", no, body)
	}
	if err := record("PAID " + out.TransactionID); err != nil {
		return err
	}
	fmt.Printf("%s %s %s\n", no, out.TradeState, out.TransactionID)
	return nil
}

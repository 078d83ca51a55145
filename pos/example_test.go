package pos_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
)

func ExampleParseYuan() {
	for _, s := range []string{"12.34", "0.5", "12.345", "-1"} {
		fen, err := pos.ParseYuan(s)
		fmt.Println(s, fen, err != nil)
	}
	// Output:
	// 12.34 1234 false
	// 0.5 50 false
	// 12.345 0 true
	// -1 0 true
}

func ExampleTerminal_PayScan() {
	dir, _ := os.MkdirTemp("", "wxpos-example")
	defer os.RemoveAll(dir)
	db, err := storage.Open(filepath.Join(dir, "wxpos.db"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	// Someone must be signed in at the till (shiftstore does it after a
	// right PIN); sales name that cashier.
	db.Update(func(tx *storage.Tx) error { return tx.PutTill(storage.Till{Cashier: "alice"}) })
	clk := postest.NewAutoClock(t0) // waits pass at once
	term, err := pos.New(posstore.New(db), postest.NewGateway(clk.Now),
		pos.Config{StoreID: "S01", TerminalID: "T01", Clock: clk})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer term.Close()

	ctx := context.Background()
	o, err := term.PayScan(ctx, pos.Sale{AmountFen: 1234, Cashier: "alice"}, postest.Code(postest.UserPayingSuccess, 1))
	lin, _ := posstore.New(db).Lineage() // the epoch is random per database
	fmt.Println(strings.Replace(o.OutTradeNo, lin.Epoch, "<epoch>", 1), o.State, o.ReceiptNo, err)
	_, err = term.PayScan(ctx, pos.Sale{AmountFen: 1234, Cashier: "alice"}, postest.Code(postest.UserPayingSuccess, 1))
	fmt.Println(err)
	c, _ := term.PayCash(ctx, pos.Sale{AmountFen: 1234, Cashier: "alice"}, 2000)
	fmt.Println(c.State, "change", pos.FormatYuan(c.ChangeFen))
	// Output:
	// PS01-T01-<epoch>-00000001 PAID S01-T01-000001 <nil>
	// payment code …0001: payment code already used
	// PAID change 7.66
}

package reportstore_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// ExampleDayBook_Close opens a day with a float, records a payout, takes an X
// report after one cash sale and closes the day with the counted cash.
func ExampleDayBook_Close() {
	dir, _ := os.MkdirTemp("", "wxpos-example")
	defer os.RemoveAll(dir)
	db, _ := storage.Open(filepath.Join(dir, "wxpos.db"), nil)
	defer db.Close()

	at := time.Date(2026, 11, 26, 10, 30, 0, 0, tz.Shanghai)
	// What the payment core stores for a paid cash sale.
	db.Update(func(tx *storage.Tx) error {
		tx.PutReceipt(&receipt.Receipt{No: "000001", Kind: receipt.KindSale, Time: at, TotalFen: 1234, Tender: receipt.TenderCash})
		return tx.PutOrder(&storage.Order{OutTradeNo: "PS1-T1-00000001", Tender: "cash", State: "PAID", AmountFen: 1234,
			CreatedAt: at, PaidAt: at, ReceiptNo: "000001", Day: report.DayOf(at)})
	})

	book := reportstore.New(db, report.Info{StoreName: "Demo", StoreID: "S1", TerminalID: "T1"},
		&reportstore.Options{Now: func() time.Time { return at.Add(10 * time.Hour) }})
	day := book.Today()
	book.Open(day, "Li", 50000)
	book.Move(day, report.Move{Kind: report.CashOut, AmountFen: 2000, Reason: "milk", By: "Li", ApprovedBy: "Wang"})
	x, _ := book.X(day, "Li")
	fmt.Println("X expected cash:", receipt.Yuan(x.ExpectedCashFen))

	counted := int64(49200)
	z, _ := book.Close(day, "Wang", &counted)
	sales, _, net := z.Totals()
	fmt.Printf("Z %d: %d sale(s), net %s, difference %s\n", z.ZNo, sales.SaleCount, receipt.Yuan(net), receipt.Yuan(z.CashDiffFen()))
	_, err := book.Close(day, "Wang", &counted)
	fmt.Println(err)
	// Output:
	// X expected cash: 492.34
	// Z 1: 1 sale(s), net 12.34, difference -0.34
	// close day 20261126: day is closed
}

package replica

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/report"
)

// ItemReport is head office's sales by item or by category over the days
// of q (its store, or the chain), from the daily item roll-ups
// (migrations/0014_items_daily.sql: hq_items_daily per store,
// hq_items_chain_daily for the chain), which sum the replicated lines
// (migrations/0007_lines.sql) by day and by item, name, category and unit:
// the terminals' items report summed across them, with the same rows and
// rules — a sale on the Shanghai day it was paid, a refund on the day it
// succeeded, a keyed-amount sale and a refund by amount under the
// keyed-amount row. Its nets add up to Report's sales and its returns to
// Report's refunds. It reads days × items, whatever the orders.
func ItemReport(ctx context.Context, db Querier, q Query, by report.ItemsBy) (*report.Items, error) {
	start, end, err := dayRange(q.From, q.To)
	if err != nil {
		return nil, err
	}
	table := "hq_items_chain_daily"
	if q.StoreID != "" {
		table = "hq_items_daily"
	}
	rows, err := db.Query(ctx, `SELECT item_id, name, category, unit, sum(qty)::bigint, sum(lines)::bigint, sum(gross_fen)::bigint,
			sum(discount_fen)::bigint, sum(net_fen)::bigint, sum(returned_qty)::bigint, sum(returned_lines)::bigint, sum(returned_fen)::bigint
		FROM `+table+` WHERE day >= ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
			AND day < ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date
			AND `+storeIs("store_id", q.StoreID)+` AND (NOT training OR $4)
		GROUP BY item_id, name, category, unit`, start, end, q.StoreID, q.Training)
	var sums []report.ItemRow
	if err == nil {
		err = forRows(rows, func(rows pgx.Rows) error {
			var r report.ItemRow
			if err := rows.Scan(&r.ItemID, &r.Name, &r.Category, &r.Unit, &r.Qty, &r.Lines, &r.GrossFen, &r.DiscountFen, &r.NetFen,
				&r.ReturnedQty, &r.ReturnedLines, &r.ReturnedFen); err != nil {
				return err
			}
			sums = append(sums, r)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("items report: %w", err)
	}
	// Every key's sales, then every key's returns, as the lines' two GROUP
	// BYs gave them (a key's first part names its row); a part whose line
	// count is 0 over the days (none, or all removed) is left out.
	b := report.NewItemsBuilder(by)
	for _, r := range sums {
		if r.Lines != 0 {
			b.Add(report.ItemRow{ItemID: r.ItemID, Name: r.Name, Category: r.Category, Unit: r.Unit, Qty: r.Qty, Lines: r.Lines,
				GrossFen: r.GrossFen, DiscountFen: r.DiscountFen, NetFen: r.NetFen})
		}
	}
	for _, r := range sums {
		if r.ReturnedLines != 0 {
			b.Add(report.ItemRow{ItemID: r.ItemID, Name: r.Name, Category: r.Category, Unit: r.Unit,
				ReturnedQty: r.ReturnedQty, ReturnedLines: r.ReturnedLines, ReturnedFen: r.ReturnedFen})
		}
	}
	return b.Build(&report.Items{From: q.From, To: q.To, StoreID: q.StoreID, Training: q.Training, TakenAt: time.Now()}), nil
}

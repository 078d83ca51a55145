package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/internal/xlsx"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
)

// itemsFlags are the flags of report items and hq report --by.
type itemsFlags struct {
	from, to, by string
	csv, xlsx    string
}

// runItemsReport is wxpos report items: the terminal's sales by item or by
// category over --from..--to.
func runItemsReport(env *Env, f reportFlags) error {
	if f.close || f.zNo != 0 || f.format != "text" && f.format != "json" {
		return Usagef("report items: --close, --no and --format are for x and z (use --csv FILE, --xlsx FILE or --json)")
	}
	lang, err := reportLang(f.lang, env.Config.UI.Locale)
	if err != nil {
		return err
	}
	by, err := report.ParseItemsBy(f.items.by)
	if err != nil {
		return Usagef("report items: --by: %v", err)
	}
	cat, err := env.Catalog()
	if err != nil {
		return err
	}
	db, _ := env.Store()
	cfg := env.Config
	book := reportstore.New(db, report.Info{StoreName: cfg.Store.Name, StoreID: cfg.Store.ID,
		TerminalID: cfg.Store.TerminalID, Training: cfg.Training()}, nil)
	from, to, err := itemsDays(f.items, book.Today())
	if err != nil {
		return err
	}
	categoryOf := func(id string) string {
		it, err := cat.ByID(id)
		if err != nil {
			return ""
		}
		return it.Category
	}
	it, err := book.Items(from, to, by, categoryOf)
	if err != nil {
		return err
	}
	return writeItems(env, it, f.items, f.json || f.format == "json", lang)
}

// itemsDays is --from and --to as yyyymmdd: --from defaults to today,
// --to to --from.
func itemsDays(f itemsFlags, today string) (string, string, error) {
	from, to := today, ""
	var err error
	if f.from != "" {
		if from, err = report.ParseDay(f.from); err != nil {
			return "", "", Usagef("--from: %v", err)
		}
	}
	to = from
	if f.to != "" {
		if to, err = report.ParseDay(f.to); err != nil {
			return "", "", Usagef("--to: %v", err)
		}
	}
	if to < from {
		return "", "", Usagef("--to %s is before --from %s", to, from)
	}
	return from, to, nil
}

// writeItems writes an items report: JSON, a CSV or xlsx file (CSV "-" is
// standard output), else the text table.
func writeItems(env *Env, it *report.Items, f itemsFlags, asJSON bool, lang csvout.Lang) error {
	if (f.csv != "") && (f.xlsx != "") || asJSON && (f.csv != "" || f.xlsx != "") {
		return Usagef("give one of --json, --csv FILE and --xlsx FILE")
	}
	switch {
	case asJSON:
		return writeJSON(env.Stdout, it)
	case f.csv == "-":
		return report.WriteItemsCSV(env.Stdout, it, lang)
	case f.csv != "":
		return writeItemsFile(env, f.csv, func(w io.Writer) error { return report.WriteItemsCSV(w, it, lang) })
	case f.xlsx != "":
		return writeItemsFile(env, f.xlsx, func(w io.Writer) error {
			return xlsx.Write(w, []xlsx.Sheet{{Name: string(it.By), Rows: report.ItemsTable(it, lang)}})
		})
	}
	_, err := io.WriteString(env.Stdout, report.ItemsText(it, lang))
	return err
}

func writeItemsFile(env *Env, name string, write func(io.Writer) error) error {
	file, err := os.OpenFile(env.file(name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := write(file); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "wrote %s\n", name)
	return err
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogfile"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
)

func newCatalogCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Import, export and list the items the till sells",
		Long: "catalog keeps the terminal's items and categories. A file is CSV or xlsx (by its name) with an items table\n" +
			"(id, name, name_en, price, barcodes, plu, category, unit, active, open_price — or 编号, 名称, 英文名称, 价格,\n" +
			"条码, 秤码, 分类, 单位, 在售, 议价) and, optionally, a categories table (category, colour, order):\n" +
			"after a blank line in CSV, on a sheet of its own in xlsx. Prices are yuan with at most two decimals.",
	}
	cmd.AddCommand(newCatalogImportCmd(g), newCatalogExportCmd(g), newCatalogListCmd(g), newCatalogPullCmd(g))
	return cmd
}

// Catalog is the terminal's catalogue on its database.
func (e *Env) Catalog() (*catalogstore.Store, error) {
	db, err := e.Store()
	if err != nil {
		return nil, err
	}
	rules, err := e.Config.Catalog.Rules()
	if err != nil {
		return nil, err
	}
	return catalogstore.New(db, rules), nil
}

// importJSON is what catalog import --json prints.
type importJSON struct {
	File       string          `json:"file"`
	DryRun     bool            `json:"dry_run"`
	Version    uint64          `json:"version"`
	Items      outcomeCounts   `json:"items"`
	Categories outcomeCounts   `json:"categories"`
	Lines      []importLine    `json:"lines,omitempty"`
	Errors     []importLineErr `json:"errors,omitempty"`
}

type outcomeCounts struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

type importLine struct {
	Line    int    `json:"line"`
	What    string `json:"what"` // item or category
	Key     string `json:"key"`  // item id or category name
	Outcome string `json:"outcome"`
}

type importLineErr struct {
	Source string `json:"source"`
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Error  string `json:"error"`
}

func counts(outs []catalogstore.Outcome) outcomeCounts {
	return outcomeCounts{catalogstore.Count(outs, catalogstore.Added), catalogstore.Count(outs, catalogstore.Changed), catalogstore.Count(outs, catalogstore.Unchanged)}
}

func newCatalogImportCmd(g *globalFlags) *cobra.Command {
	var dry, asJSON bool
	var m managerLogin
	c := &cobra.Command{
		Use:   "import FILE.csv|FILE.xlsx",
		Short: "Add or change items and categories from a file (--dry-run: say what would change)",
		Long: "import reads FILE and adds or changes its items and categories in one commit, or changes nothing and lists\n" +
			"every error by line and column (exit status 2). --dry-run lists what would be added and changed, and the\n" +
			"errors, by line, and writes nothing. A real import needs a manager (--manager NAME, the PIN on stdin) and is\n" +
			"written to the audit trail. Items missing from the file are left as they are (make one inactive with active 0).",
		Args: cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			book, err := catalogfile.Read(env.file(args[0]))
			if err != nil {
				return Usagef("%w", err)
			}
			s, err := env.Catalog()
			if err != nil {
				return err
			}
			plan, lineErrs := catalogfile.Parse(book, s.Rules())
			out := importJSON{File: args[0], DryRun: dry}
			var res catalogstore.Result
			if len(lineErrs) == 0 {
				res, err = importPlan(cmd, env, s, plan, &m, dry, filepath.Base(args[0]))
				lineErrs = plan.Explain(err)
				if err != nil && lineErrs == nil {
					return err
				}
			}
			out.Version, out.Items, out.Categories = res.Version, counts(res.Items), counts(res.Categories)
			for _, e := range lineErrs {
				out.Errors = append(out.Errors, importLineErr{Source: e.Source, Line: e.Line, Column: e.Column, Error: e.Err.Error()})
			}
			if dry && len(lineErrs) == 0 {
				out.Lines = changedLines(plan, res)
			}
			if asJSON {
				err = writeJSON(env.Stdout, out)
			} else {
				err = printImport(env.Stdout, out)
			}
			if err == nil && len(lineErrs) > 0 {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %d errors, nothing imported", args[0], len(lineErrs))}
			}
			return err
		}),
	}
	c.Flags().BoolVar(&dry, "dry-run", false, "check the file and say what would change; write nothing")
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: counts, the lines a dry run would change, the errors")
	m.addFlag(c)
	return c
}

// importPlan applies plan, or dry-runs it; a real import first has a
// manager approve it.
func importPlan(cmd *cobra.Command, env *Env, s *catalogstore.Store, plan *catalogfile.Plan, m *managerLogin, dry bool, ref string) (catalogstore.Result, error) {
	if dry {
		return s.DryRun(plan.Changes)
	}
	if m.name == "" {
		return catalogstore.Result{}, Usagef("--manager is required to change the catalogue (or use --dry-run)")
	}
	if err := needManager(env); err != nil {
		return catalogstore.Result{}, err
	}
	db, err := env.Store()
	if err != nil {
		return catalogstore.Result{}, err
	}
	pin, err := newPins(cmd.InOrStdin(), cmd.ErrOrStderr()).next("PIN of " + m.name + ": ")
	if err != nil {
		return catalogstore.Result{}, err
	}
	ap, err := staffstore.New(db, nil).Authorize(cmd.Context(), staff.Request{Action: staff.ActionCatalog, Approver: m.name, PIN: pin, Ref: ref})
	if err != nil {
		return catalogstore.Result{}, err
	}
	plan.Changes.By, plan.Changes.Ref, plan.Changes.At = ap.Approver, ref, time.Now()
	return s.Apply(plan.Changes)
}

// changedLines are the lines a dry run would add or change.
func changedLines(p *catalogfile.Plan, r catalogstore.Result) []importLine {
	var out []importLine
	for i, o := range r.Categories {
		if o != catalogstore.Unchanged {
			out = append(out, importLine{Line: p.CategoryLine(i), What: "category", Key: p.Changes.Categories[i].Name, Outcome: string(o)})
		}
	}
	for i, o := range r.Items {
		if o != catalogstore.Unchanged {
			out = append(out, importLine{Line: p.Line(i), What: "item", Key: p.Changes.Items[i].ID, Outcome: string(o)})
		}
	}
	return out
}

func printImport(w io.Writer, j importJSON) error {
	for _, l := range j.Lines {
		fmt.Fprintf(w, "line %d: %s %s %s\n", l.Line, l.Outcome, l.What, l.Key)
	}
	for _, e := range j.Errors {
		if e.Column == "" {
			fmt.Fprintf(w, "%s line %d: error: %s\n", e.Source, e.Line, e.Error)
		} else {
			fmt.Fprintf(w, "%s line %d, column %s: error: %s\n", e.Source, e.Line, e.Column, e.Error)
		}
	}
	verb := "imported"
	if j.DryRun {
		verb = "would import"
	}
	if len(j.Errors) > 0 {
		verb = "refused"
	}
	_, err := fmt.Fprintf(w, "%s %s: items %d added, %d changed, %d unchanged; categories %d added, %d changed; %d errors; catalogue version %d\n",
		verb, j.File, j.Items.Added, j.Items.Changed, j.Items.Unchanged, j.Categories.Added, j.Categories.Changed, len(j.Errors), j.Version)
	return err
}

func newCatalogExportCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "export FILE.csv|FILE.xlsx",
		Short: "Write the items and categories to a file that import reads back",
		Long: "export writes every item (by id) and category to FILE, CSV or xlsx by its name, headers in the language of\n" +
			"LC_ALL/LANG (Chinese for zh_*). import reads the file back unchanged.",
		Args: cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			s, err := env.Catalog()
			if err != nil {
				return err
			}
			items, version, err := allItems(s)
			if err != nil {
				return err
			}
			cats, err := s.Categories()
			if err != nil {
				return err
			}
			if err := catalogfile.Write(env.file(args[0]), csvout.LangFromEnv(), cats, items); err != nil {
				if errors.Is(err, catalogfile.ErrFormat) {
					return Usagef("%w", err)
				}
				return err
			}
			if asJSON {
				return writeJSON(env.Stdout, struct {
					File       string `json:"file"`
					Items      int    `json:"items"`
					Categories int    `json:"categories"`
					Version    uint64 `json:"version"`
				}{args[0], len(items), len(cats), version})
			}
			_, err = fmt.Fprintf(env.Stdout, "exported %d items and %d categories (catalogue version %d) to %s\n", len(items), len(cats), version, args[0])
			return err
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the file and how many items and categories")
	return c
}

func allItems(s *catalogstore.Store) ([]catalog.Item, uint64, error) {
	version, err := s.Version()
	if err != nil {
		return nil, 0, err
	}
	var items []catalog.Item
	err = s.Items(func(it catalog.Item, _ uint64) error { items = append(items, it); return nil })
	return items, version, err
}

// itemJSON is one item of catalog list --json.
type itemJSON struct {
	catalog.Item
	PriceYuan string `json:"price_yuan"`
}

func newCatalogListCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	var search string
	c := &cobra.Command{
		Use:   "list [--search WORDS]",
		Short: "List the items (or those a search finds: name, pinyin initials, barcode)",
		Args:  cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			s, err := env.Catalog()
			if err != nil {
				return err
			}
			var items []catalog.Item
			version, err := s.Version()
			if err != nil {
				return err
			}
			if search != "" {
				items, err = s.Search(search, 0)
			} else {
				items, _, err = allItems(s)
			}
			if err != nil {
				return err
			}
			if asJSON {
				out := struct {
					Version uint64     `json:"version"`
					Items   []itemJSON `json:"items"`
				}{Version: version, Items: []itemJSON{}}
				for _, it := range items {
					out.Items = append(out.Items, itemJSON{Item: it, PriceYuan: catalog.Yuan(it.Price)})
				}
				return writeJSON(env.Stdout, out)
			}
			tw := tabwriter.NewWriter(env.Stdout, 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tPRICE\tUNIT\tBARCODES\tCATEGORY\tACTIVE")
			for _, it := range items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, it.Name, catalog.Yuan(it.Price), it.Unit,
					joinOr(it.Barcodes, it.PLU), it.Category, yes(it.Active))
			}
			fmt.Fprintf(tw, "%d items, catalogue version %d\n", len(items), version)
			return tw.Flush()
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the catalogue version and the items")
	c.Flags().StringVar(&search, "search", "", "only the active items whose name, pinyin initials, barcode or id match `WORDS`")
	return c
}

func joinOr(barcodes []string, plu string) string {
	if len(barcodes) == 0 && plu != "" {
		return "PLU " + plu
	}
	return strings.Join(barcodes, " ")
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

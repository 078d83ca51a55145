package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func newShiftCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shift",
		Short: "Sign a cashier in and open, close (交班) or show their shift",
		Long: "shift signs a cashier in at this terminal and keeps their shift: the sign-in belongs to the\n" +
			"terminal, so `wxpos pay` afterwards sells as that cashier. PINs are asked for without echo on a\n" +
			"terminal, read one per line from a pipe. Add cashiers with `wxpos staff add NAME --role cashier`.",
	}
	cmd.AddCommand(newShiftOpenCmd(g), newShiftCloseCmd(g), newShiftStatusCmd(g))
	return cmd
}

// shiftBook opens the till and shifts of the terminal's database.
func shiftBook(env *Env) (*shiftstore.Book, *storage.Store, error) {
	db, err := env.Store()
	if err != nil {
		return nil, nil, err
	}
	return shiftstore.New(db, staffstore.New(db, nil), nil), db, nil
}

// shiftJSON is what shift open, close and status --json print.
type shiftJSON struct {
	Cashier  string        `json:"cashier,omitempty"` // signed in now
	Locked   bool          `json:"locked,omitempty"`
	Shift    *shift.Shift  `json:"shift,omitempty"`
	Report   *shift.Report `json:"report,omitempty"` // at the close only: the count is blind
	Variance *int64        `json:"variance_fen,omitempty"`
}

func newShiftOpenCmd(g *globalFlags) *cobra.Command {
	var name, float string
	var asJSON bool
	c := &cobra.Command{
		Use:   "open --cashier NAME [--float YUAN]",
		Short: "Sign a cashier in and open their shift with the float counted into the drawer (stdin: the PIN)",
		Args:  cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			if name == "" {
				return Usagef("--cashier is required")
			}
			floatFen, err := parseCounted(float)
			if err != nil {
				return Usagef("--float %q: %v", float, err)
			}
			book, _, err := shiftBook(env)
			if err != nil {
				return err
			}
			pin, err := newPins(cmd.InOrStdin(), cmd.ErrOrStderr()).next("PIN of " + name + ": ")
			if err != nil {
				return err
			}
			s, err := book.Open(cmd.Context(), name, pin, floatFen)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(env.Stdout, shiftJSON{Cashier: s.Cashier, Shift: s})
			}
			_, err = fmt.Fprintf(env.Stdout, "shift %d open: %s signed in, float ¥%s\n", s.No, s.Cashier, pos.FormatYuan(s.FloatFen))
			return err
		}),
	}
	c.Flags().StringVar(&name, "cashier", "", "the cashier `name` (their PIN on stdin)")
	c.Flags().StringVar(&float, "float", "0", "cash counted into the drawer, in `yuan`")
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the shift opened")
	return c
}

func newShiftCloseCmd(g *globalFlags) *cobra.Command {
	var by, counted, next, float string
	var asJSON bool
	c := &cobra.Command{
		Use: "close --by NAME --counted YUAN [--handover NAME --float YUAN]",
		Short: "Close the shift (交班) with the cash counted in the drawer, blind: the expected amount is shown only after " +
			"(stdin: the PIN of --by, then of --handover)",
		Args: cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			if by == "" || counted == "" {
				return Usagef("--by and --counted are required")
			}
			countedFen, err := parseCounted(counted)
			if err != nil {
				return Usagef("--counted %q: %v", counted, err)
			}
			var h *shift.Handover
			if next != "" {
				f, err := parseCounted(float)
				if err != nil {
					return Usagef("--float %q: %v", float, err)
				}
				h = &shift.Handover{Next: next, FloatFen: f}
			} else if cmd.Flags().Changed("float") {
				return Usagef("--float goes with --handover")
			}
			book, _, err := shiftBook(env)
			if err != nil {
				return err
			}
			in := newPins(cmd.InOrStdin(), cmd.ErrOrStderr())
			pin, err := in.next("PIN of " + by + ": ")
			if err != nil {
				return err
			}
			if h != nil {
				if h.PIN, err = in.next("PIN of " + next + ": "); err != nil {
					return err
				}
			}
			s, err := book.Close(cmd.Context(), by, pin, countedFen, h)
			if err != nil {
				return err
			}
			if asJSON {
				v := s.Report.VarianceFen()
				return writeJSON(env.Stdout, shiftJSON{Shift: s, Report: s.Report, Variance: &v})
			}
			return printShiftClose(env.Stdout, s)
		}),
	}
	c.Flags().StringVar(&by, "by", "", "who closes: the cashier signed in or a manager (`name`)")
	c.Flags().StringVar(&counted, "counted", "", "the cash counted in the drawer, in `yuan`")
	c.Flags().StringVar(&next, "handover", "", "the next cashier (`name`), whose shift opens at once")
	c.Flags().StringVar(&float, "float", "0", "with --handover: the cash left in the drawer for the next shift, in `yuan`")
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the shift closed and its report")
	return c
}

// printShiftClose prints a closed shift's X report: by tender, by
// cashier, the drawer and the variance, marked when not 0.
func printShiftClose(w io.Writer, s *shift.Shift) error {
	r := s.Report
	var b strings.Builder
	fmt.Fprintf(&b, "shift %d of %s closed by %s  %s – %s\n", s.No, s.Cashier, s.ClosedBy, tz.Clock(s.OpenedAt), tz.Clock(s.ClosedAt))
	for _, t := range r.Tenders {
		fmt.Fprintf(&b, "  %-12s sales %3d  ¥%10s   refunds %3d  ¥%10s\n", t.Tender, t.SaleCount, pos.FormatYuan(t.SaleFen), t.RefundCount, pos.FormatYuan(t.RefundFen))
	}
	for _, l := range r.ByCashier {
		fmt.Fprintf(&b, "  cashier %-10s sales %3d  ¥%10s   refunds %3d  ¥%10s\n", l.Cashier, l.SaleCount, pos.FormatYuan(l.SaleFen), l.RefundCount, pos.FormatYuan(l.RefundFen))
	}
	fmt.Fprintf(&b, "  float ¥%s  cash in ¥%s  cash out ¥%s\n", pos.FormatYuan(r.FloatFen), pos.FormatYuan(r.CashInFen), pos.FormatYuan(r.CashOutFen))
	fmt.Fprintf(&b, "  counted ¥%s  expected ¥%s  variance ¥%s", pos.FormatYuan(r.CountedFen), pos.FormatYuan(r.ExpectedFen), pos.FormatYuan(r.VarianceFen()))
	if r.VarianceFen() != 0 {
		b.WriteString("  <-- VARIANCE (audited)")
	}
	b.WriteString("\n")
	if s.HandedTo != 0 {
		fmt.Fprintf(&b, "handed over: shift %d open\n", s.HandedTo)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func newShiftStatusCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Who is signed in and the open shift (its expected cash is not shown: the count is blind)",
		Args:  cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			book, _, err := shiftBook(env)
			if err != nil {
				return err
			}
			till, err := book.Till()
			if err != nil {
				return err
			}
			j := shiftJSON{Cashier: till.Cashier, Locked: till.Locked}
			if till.Shift != 0 {
				if j.Shift, err = book.Shift(till.Shift); err != nil {
					return err
				}
			}
			if asJSON {
				return writeJSON(env.Stdout, j)
			}
			who := "nobody signed in"
			if till.Cashier != "" {
				who = till.Cashier + " signed in since " + tz.Clock(till.Since)
				if till.Locked {
					who += " (locked)"
				}
			}
			open := "no shift open"
			if j.Shift != nil {
				open = fmt.Sprintf("shift %d of %s open since %s, float ¥%s", j.Shift.No, j.Shift.Cashier, tz.Clock(j.Shift.OpenedAt), pos.FormatYuan(j.Shift.FloatFen))
			}
			_, err = fmt.Fprintf(env.Stdout, "%s; %s\n", who, open)
			return err
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the cashier signed in and the open shift")
	return c
}

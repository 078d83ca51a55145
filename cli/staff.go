package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func newStaffCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "staff",
		Short: "Manage cashiers and managers, and read the audit trail",
		Long: "staff manages the terminal's users. On a terminal PINs are asked for and typed without echo;\n" +
			"from a pipe they are read one per line. Changes need a manager's name (--manager) and PIN.",
	}
	cmd.AddCommand(newStaffSetupCmd(g), newStaffAddCmd(g), newStaffUnlockCmd(g), newStaffListCmd(g), newStaffAuditCmd(g))
	return cmd
}

// managerLogin is the --manager flag of the commands that change users:
// the change is made in the session of that manager, whose PIN comes first
// on stdin.
type managerLogin struct{ name string }

func (m *managerLogin) addFlag(c *cobra.Command) {
	c.Flags().StringVar(&m.name, "manager", "", "the manager `name` whose PIN is on stdin")
}

// login reads the manager's PIN and opens a session in the terminal's directory.
func (m *managerLogin) login(cmd *cobra.Command, env *Env, in *pins) (*staffstore.Directory, staff.Session, error) {
	db, err := env.Store()
	if err != nil {
		return nil, staff.Session{}, err
	}
	dir := staffstore.New(db, nil)
	if m.name == "" {
		return nil, staff.Session{}, Usagef("--manager is required")
	}
	pin, err := in.next("PIN of " + m.name + ": ")
	if err != nil {
		return nil, staff.Session{}, err
	}
	s, err := dir.Login(cmd.Context(), m.name, pin)
	return dir, s, err
}

// staffJSON is what staff setup, add and unlock --json print: the user the
// command made or changed.
type staffJSON struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Created  bool   `json:"created,omitempty"`
	Unlocked bool   `json:"unlocked,omitempty"`
}

// printStaff prints the user a command made or changed: text for people,
// or one JSON object.
func printStaff(w io.Writer, asJSON bool, j staffJSON, text string) error {
	if asJSON {
		return writeJSON(w, j)
	}
	_, err := fmt.Fprintln(w, text)
	return err
}

func newStaffSetupCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "setup NAME",
		Short: "Create the first manager (only on a terminal without users)",
		Args:  cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			db, err := env.Store()
			if err != nil {
				return err
			}
			in := newPins(cmd.InOrStdin(), cmd.ErrOrStderr())
			pin, err := in.next("new PIN for " + args[0] + ": ")
			if err != nil {
				return err
			}
			again, err := in.next("the same PIN again, to confirm: ")
			if err != nil {
				return err
			}
			if pin != again {
				return fmt.Errorf("the two PINs differ")
			}
			u, err := staffstore.New(db, nil).Setup(cmd.Context(), args[0], pin)
			if err != nil {
				return err
			}
			return printStaff(env.Stdout, asJSON, staffJSON{Name: u.Name, Role: string(u.Role), Created: true},
				fmt.Sprintf("manager %s created", u.Name))
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the manager created")
	return c
}

func newStaffAddCmd(g *globalFlags) *cobra.Command {
	var m managerLogin
	var role string
	var asJSON bool
	c := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a user (stdin: the manager's PIN, then the new user's PIN)",
		Args:  cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			in := newPins(cmd.InOrStdin(), cmd.ErrOrStderr())
			dir, by, err := m.login(cmd, env, in)
			if err != nil {
				return err
			}
			pin, err := in.next("new PIN for " + args[0] + ": ")
			if err != nil {
				return err
			}
			u, err := dir.Add(cmd.Context(), by, args[0], staff.Role(role), pin)
			if err != nil {
				return err
			}
			return printStaff(env.Stdout, asJSON, staffJSON{Name: u.Name, Role: string(u.Role), Created: true},
				fmt.Sprintf("%s %s added", u.Role, u.Name))
		}),
	}
	c.Flags().StringVar(&role, "role", string(staff.RoleCashier), "`role`: cashier or manager")
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the user added")
	m.addFlag(c)
	return c
}

func newStaffUnlockCmd(g *globalFlags) *cobra.Command {
	var m managerLogin
	var asJSON bool
	c := &cobra.Command{
		Use:   "unlock NAME",
		Short: "Lift a wrong-PIN lockout (stdin: the manager's PIN)",
		Args:  cobra.ExactArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			dir, by, err := m.login(cmd, env, newPins(cmd.InOrStdin(), cmd.ErrOrStderr()))
			if err != nil {
				return err
			}
			if err := dir.Update(cmd.Context(), by, args[0], staff.Change{Unlock: true}); err != nil {
				return err
			}
			j := staffJSON{Name: args[0], Unlocked: true}
			if u, err := dir.Get(args[0]); err == nil {
				j.Role = string(u.Role)
			}
			return printStaff(env.Stdout, asJSON, j, args[0]+" unlocked")
		}),
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the user unlocked")
	m.addFlag(c)
	return c
}

func newStaffListCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users, their roles and lockouts",
		Args:  cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			db, err := env.Store()
			if err != nil {
				return err
			}
			users, err := staffstore.New(db, nil).List()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(env.Stdout, usersJSON(users, time.Now()))
			}
			if len(users) == 0 {
				_, err := fmt.Fprintln(env.Stdout, "no users yet: run wxpos staff setup NAME")
				return err
			}
			return printUsers(env.Stdout, users, time.Now())
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: every user with role and lockout")
	return cmd
}

// userJSON is one user in staff list --json; never a PIN or its hash.
type userJSON struct {
	Name        string `json:"name"`
	Role        string `json:"role"`
	Disabled    bool   `json:"disabled"`
	LockedUntil string `json:"locked_until,omitempty"` // RFC 3339, store's zone; "" when not locked now
	FailedPINs  int    `json:"failed_pins"`
	LastLoginAt string `json:"last_login_at,omitempty"`
}

func usersJSON(users []staff.User, now time.Time) any {
	j := struct {
		Users []userJSON `json:"users"`
	}{[]userJSON{}}
	for _, u := range users {
		uj := userJSON{Name: u.Name, Role: string(u.Role), Disabled: u.Disabled, FailedPINs: u.Failed, LastLoginAt: tz.RFC3339(u.LastLoginAt)}
		if u.Locked(now) {
			uj.LockedUntil = tz.RFC3339(u.LockedUntil)
		}
		j.Users = append(j.Users, uj)
	}
	return j
}

// printUsers writes the users as a table, each with its lockout status at now.
func printUsers(w io.Writer, users []staff.User, now time.Time) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATUS\tLAST LOGIN")
	for _, u := range users {
		status := "active"
		switch {
		case u.Disabled:
			status = "disabled"
		case u.Locked(now):
			status = "locked until " + tz.Clock(u.LockedUntil)
		case u.Failed > 0:
			status = fmt.Sprintf("%d wrong PIN(s)", u.Failed)
		}
		last := "-"
		if !u.LastLoginAt.IsZero() {
			last = tz.Stamp(u.LastLoginAt)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, status, last)
	}
	return tw.Flush()
}

// auditFlags are the flags of staff audit.
type auditFlags struct {
	kinds, who, text, from, to, out string
	csv, json                       bool
	limit                           int
}

func newStaffAuditCmd(g *globalFlags) *cobra.Command {
	var af auditFlags
	c := &cobra.Command{
		Use:   "audit",
		Short: "Show or export the audit trail (who did what when)",
		Args:  cobra.NoArgs,
		Example: "  wxpos staff audit --kind user.,override --from 2026-11-01\n" +
			"  wxpos staff audit --who Wang --csv --out audit.csv",
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			db, err := env.Store()
			if err != nil {
				return err
			}
			flt, err := af.filter()
			if err != nil {
				return err
			}
			events, err := staffstore.Trail(db, flt)
			if err != nil {
				return err
			}
			w := env.Stdout
			if af.out != "" {
				f, err := os.OpenFile(af.out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			switch {
			case af.csv && af.json:
				return Usagef("staff audit: --csv or --json, not both")
			case af.csv:
				return staffstore.WriteCSV(w, events, tz.Shanghai, csvout.LangFromEnv())
			case af.json:
				return writeJSON(w, auditJSON(events))
			}
			return printAudit(w, events)
		}),
	}
	fl := c.Flags()
	fl.StringVar(&af.kinds, "kind", "", "comma-separated `kinds`; a prefix ending in '.' matches a family (user.)")
	fl.StringVar(&af.who, "who", "", "only events by or naming this `user`")
	fl.StringVar(&af.text, "text", "", "only events containing this `text` (order number, reason …)")
	fl.StringVar(&af.from, "from", "", "first `day` (YYYY-MM-DD)")
	fl.StringVar(&af.to, "to", "", "last `day` (YYYY-MM-DD), inclusive")
	fl.BoolVar(&af.csv, "csv", false, "write CSV")
	fl.BoolVar(&af.json, "json", false, "print one JSON object: the events, times RFC 3339 in the store's zone")
	fl.StringVarP(&af.out, "out", "o", "", "write to `file`")
	fl.IntVar(&af.limit, "limit", 0, "only the newest `n` events")
	return c
}

// filter turns the flags into the trail's filter: --from is the start of
// its day, --to the start of the day after (the last day is inclusive).
func (af *auditFlags) filter() (staff.Filter, error) {
	flt := staff.Filter{Who: af.who, Text: af.text, Limit: af.limit}
	if af.kinds != "" {
		flt.Kinds = strings.Split(af.kinds, ",")
	}
	for _, d := range []struct {
		s   string
		t   *time.Time
		add int
	}{{af.from, &flt.From, 0}, {af.to, &flt.To, 1}} {
		if d.s == "" {
			continue
		}
		day, err := report.ParseDay(d.s)
		if err != nil {
			return staff.Filter{}, Usagef("staff audit: %v", err)
		}
		t, _ := time.ParseInLocation("20060102", day, tz.Shanghai)
		*d.t = t.AddDate(0, 0, d.add)
	}
	return flt, nil
}

// auditJSON is what staff audit --json prints: the events as stored, each
// time in the store's zone.
func auditJSON(events []storage.Event) any {
	j := struct {
		Events []storage.Event `json:"events"`
	}{make([]storage.Event, 0, len(events))}
	for _, e := range events {
		e.Time = e.Time.In(tz.Shanghai)
		j.Events = append(j.Events, e)
	}
	return j
}

// printAudit writes the events as a table, times in Shanghai.
func printAudit(w io.Writer, events []storage.Event) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tKIND\tWHO\tREF\tCHANGE\tREASON")
	for _, e := range events {
		change := ""
		if e.From != "" || e.To != "" {
			change = e.From + "→" + e.To
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, tz.Stamp(e.Time),
			e.Kind, e.Actor, e.Ref, change, e.Reason)
	}
	return tw.Flush()
}

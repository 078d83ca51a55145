package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogfile"
	"github.com/wxpos/wxpos/replica"
)

func newHQCatalogCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Head office's catalogue in PostgreSQL, which the terminals pull",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newHQCatalogImportCmd(g))
	return cmd
}

func newHQCatalogImportCmd(g *globalFlags) *cobra.Command {
	var (
		f      replicaFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE.csv|FILE.xlsx",
		Short: "Add or change the chain's items and categories; terminals get them with wxpos catalog pull",
		Long: "hq catalog import reads FILE as wxpos catalog import does and writes it to the PostgreSQL replica in one\n" +
			"transaction, checked across the whole chain's catalogue (a barcode or scale code of another item, an unknown\n" +
			"category): all of it, or nothing and every error (exit 2). Changed rows get a new catalogue version.",
		Args: cobra.ExactArgs(1),
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, args []string) error {
			rules, err := env.Config.Catalog.Rules()
			if err != nil {
				return err
			}
			book, err := catalogfile.Read(env.file(args[0]))
			if err != nil {
				return Usagef("%w", err)
			}
			plan, lineErrs := catalogfile.Parse(book, rules)
			if len(lineErrs) > 0 {
				for _, e := range lineErrs {
					fmt.Fprintln(env.Stdout, "error:", e)
				}
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%s: %d errors, nothing imported", args[0], len(lineErrs))}
			}
			imp, err := replica.ImportCatalog(ctx, pool, rules, plan.Changes)
			if err != nil {
				if isRefused(err) {
					return &ExitError{Code: ExitUsage, Err: err}
				}
				return err
			}
			if asJSON {
				return writeJSON(env.Stdout, struct {
					File              string `json:"file"`
					Version           uint64 `json:"version"`
					ItemsChanged      int    `json:"items_changed"`
					CategoriesChanged int    `json:"categories_changed"`
				}{args[0], imp.Version, imp.ItemsChanged, imp.CatsChanged})
			}
			_, err = fmt.Fprintf(env.Stdout, "head office: %d items and %d categories added or changed; catalogue version %d\n",
				imp.ItemsChanged, imp.CatsChanged, imp.Version)
			return err
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the version and how many rows changed")
	return cmd
}

func isRefused(err error) bool {
	return errors.Is(err, replica.ErrCatalogRefused) || errors.Is(err, catalog.ErrInvalid)
}

func newCatalogPullCmd(g *globalFlags) *cobra.Command {
	var (
		f      replicaFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "pull",
		Short: "Bring this terminal's catalogue up to head office's (what changed since the last pull)",
		Long: "pull asks the PostgreSQL replica ([replica] dsn, or --dsn) for the items and categories changed after the\n" +
			"catalogue version this terminal last pulled and applies them in one commit. When head office cannot be\n" +
			"reached it fails (exit 1) and the terminal keeps selling from the copy it has.",
		Args: cobra.NoArgs,
		RunE: f.run(g, func(ctx context.Context, cmd *cobra.Command, env *Env, pool *pgxpool.Pool, _ []string) error {
			s, err := env.Catalog()
			if err != nil {
				return err
			}
			ch, res, err := replica.PullCatalog(ctx, pool, s)
			if err != nil {
				v, _ := s.HQVersion()
				return fmt.Errorf("catalogue pull: %w (the terminal keeps head office's version %d)", err, v)
			}
			items, cats := counts(res.Items), counts(res.Categories)
			if asJSON {
				return writeJSON(env.Stdout, struct {
					From       uint64        `json:"from"`
					Version    uint64        `json:"version"`
					Items      outcomeCounts `json:"items"`
					Categories outcomeCounts `json:"categories"`
				}{ch.Since, ch.Version, items, cats})
			}
			_, err = fmt.Fprintf(env.Stdout, "head office version %d → %d: items %d added, %d changed; categories %d added, %d changed\n",
				ch.Since, ch.Version, items.Added, items.Changed, cats.Added, cats.Changed)
			return err
		}),
	}
	f.bind(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: the versions and what changed")
	return cmd
}

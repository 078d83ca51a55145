package counter

import (
	"context"
	"fmt"

	"github.com/wxpos/wxpos/recon"
)

// Reconciler is the window's reconciliation back end on a recon.Desk and,
// for Fetch, the fetch worker.
type Reconciler struct {
	desk  *recon.Desk
	fetch *recon.Fetcher
	actor string
}

// NewReconciler returns the Reconciler on desk and fetch (nil: Fetch only
// re-reconciles the stored bill). actor names who acts at this terminal in
// the audit trail when an action names nobody.
func NewReconciler(desk *recon.Desk, fetch *recon.Fetcher, actor string) *Reconciler {
	return &Reconciler{desk: desk, fetch: fetch, actor: actor}
}

// Days lists reconciled days, newest first.
func (r *Reconciler) Days(context.Context) ([]recon.DaySummary, error) { return r.desk.Book.Days() }

// Result returns a day's stored reconciliation.
func (r *Reconciler) Result(_ context.Context, day recon.Day) (*recon.Result, error) {
	return r.desk.Book.Result(day)
}

// FundFlow returns a day's stored fund-flow check (recon.ErrNoFundFlow if
// none): the screen shows it under the day's reconciliation.
func (r *Reconciler) FundFlow(_ context.Context, day recon.Day) (*recon.FundFlowCheck, error) {
	return r.desk.Book.FundFlow(day)
}

// Fetch downloads the day's bill now (through the fetch worker) and
// reconciles it.
func (r *Reconciler) Fetch(ctx context.Context, day recon.Day) (*recon.Result, error) {
	if r.fetch == nil {
		return r.desk.Reconcile(day, r.actor)
	}
	return r.fetch.FetchDay(ctx, day, r.actor)
}

// Resolve applies action a to difference id; by.User defaults to the
// terminal's actor.
func (r *Reconciler) Resolve(ctx context.Context, day recon.Day, id string, a recon.Action, note string, by recon.Approver) (*recon.Result, string, error) {
	actor := by.User
	if actor == "" {
		actor = r.actor
		by.User = actor
	}
	switch a {
	case recon.ActionQuery:
		res, ans, err := r.desk.Query(ctx, day, id, actor)
		return res, ans.String(), err
	case recon.ActionRefund:
		res, err := r.desk.Refund(ctx, day, id, by, note)
		return res, "", err
	case recon.ActionRecordSale:
		res, err := r.desk.RecordSale(day, id, actor, note)
		return res, "", err
	case recon.ActionExplain:
		res, err := r.desk.Explain(day, id, actor, note)
		return res, "", err
	}
	return nil, "", fmt.Errorf("unknown action %q", a)
}

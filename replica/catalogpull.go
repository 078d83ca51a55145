package replica

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/catalogstore"
)

// CatalogPullerOptions configures a CatalogPuller. The zero value uses
// the defaults.
type CatalogPullerOptions struct {
	Every   time.Duration // between pulls (default 5 min)
	Retry   time.Duration // after a failed pull (default 30 s, at most Every)
	Timeout time.Duration // of one pull (default 30 s)
	Logger  *slog.Logger  // nil: slog.Default()
}

// CatalogStatus is the background pull as a manager sees it: the head
// office version the terminal sells from, when it last pulled and what,
// and the last failure (nil when the last pull succeeded).
type CatalogStatus struct {
	Version     uint64    // head office's catalogue version the terminal has
	LastOK      time.Time // the last pull that succeeded (zero: none yet)
	LastTry     time.Time
	Changed     int // items and categories added or changed by the last pull that changed any
	Err         error
	FailingFrom time.Time // the first of the failures in a row (zero when not failing)
	NextAt      time.Time
}

// CatalogPuller pulls head office's catalogue changes into a terminal's
// catalogue in the background (PullCatalog): at start, then every Every,
// sooner again after a failure. While head office is unreachable the
// terminal sells from its last copy and the status says since when.
type CatalogPuller struct {
	pool  *pgxpool.Pool
	store *catalogstore.Store
	o     CatalogPullerOptions
	kick  chan struct{}

	mu sync.Mutex
	st CatalogStatus
}

// NewCatalogPuller returns a puller of s from pool; Run starts it.
func NewCatalogPuller(pool *pgxpool.Pool, s *catalogstore.Store, o CatalogPullerOptions) *CatalogPuller {
	if o.Every <= 0 {
		o.Every = 5 * time.Minute
	}
	if o.Retry <= 0 {
		o.Retry = 30 * time.Second
	}
	o.Retry = min(o.Retry, o.Every)
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p := &CatalogPuller{pool: pool, store: s, o: o, kick: make(chan struct{}, 1)}
	p.st.Version, _ = s.HQVersion()
	return p
}

// Status is the puller's state now.
func (p *CatalogPuller) Status() CatalogStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// Kick asks for a pull now (a manager's "pull now").
func (p *CatalogPuller) Kick() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Run pulls until ctx ends.
func (p *CatalogPuller) Run(ctx context.Context) {
	for {
		wait := p.o.Every
		if err := p.PullOnce(ctx); err != nil {
			wait = p.o.Retry
		}
		p.mu.Lock()
		p.st.NextAt = time.Now().Add(wait)
		p.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-p.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// PullOnce pulls once and records the outcome in the status.
func (p *CatalogPuller) PullOnce(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	start := time.Now()
	ch, res, err := PullCatalog(ctx, p.pool, p.store)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.st.LastTry = start
	if err != nil {
		if p.st.Err == nil {
			p.st.FailingFrom = start
			p.o.Logger.Warn("catalogue pull from head office failed; selling from the last copy", "version", p.st.Version, "err", err)
		}
		p.st.Err = err
		return err
	}
	if p.st.Err != nil {
		p.o.Logger.Info("catalogue pull from head office works again", "version", ch.Version)
	}
	p.st.Err, p.st.FailingFrom, p.st.LastOK = nil, time.Time{}, start
	p.st.Version = ch.Version
	changed := catalogstore.Count(res.Items, catalogstore.Added) + catalogstore.Count(res.Items, catalogstore.Changed) +
		catalogstore.Count(res.Categories, catalogstore.Added) + catalogstore.Count(res.Categories, catalogstore.Changed)
	if changed > 0 {
		p.st.Changed = changed
		p.o.Logger.Info("catalogue pulled from head office", "from", ch.Since, "version", ch.Version, "changed", changed)
	}
	return nil
}

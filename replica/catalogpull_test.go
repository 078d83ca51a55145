package replica

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogstore"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// waitStatus polls p until ok says its status is what the test waits for.
func waitStatus(t *testing.T, p *CatalogPuller, what string, ok func(CatalogStatus) bool) CatalogStatus {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := p.Status()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: status %+v", what, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCatalogPullerThroughOutage: the window's background puller brings
// head office's changes to the terminal by version; while PostgreSQL is
// down its status says so (the version it sells from, failing since when)
// and the till sells from its copy; when PostgreSQL is back it catches up
// on its own, with the change made meanwhile.
func TestCatalogPullerThroughOutage(t *testing.T) {
	cl := controllable(t)
	pool := poolOn(t, cl, Config{MaxConns: 2, ConnectTimeout: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	drinks := catalog.Category{Name: "饮料", Colour: "#3366ff", Order: 1}
	cola := hqItem("cola", "可口可乐", 350, "6901234567892")
	imp, err := ImportCatalog(ctx, pool, nil, catalogstore.Changes{Categories: []catalog.Category{drinks}, Items: []catalog.Item{cola}})
	if err != nil {
		t.Fatal(err)
	}
	term := catalogstore.New(storagetest.Open(t), nil)
	p := NewCatalogPuller(pool, term, CatalogPullerOptions{Every: 100 * time.Millisecond, Retry: 50 * time.Millisecond, Timeout: 2 * time.Second})
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	defer func() { cancel(); <-done }()

	st := waitStatus(t, p, "the first pull", func(s CatalogStatus) bool { return s.Version == imp.Version && s.Err == nil })
	if st.Changed != 2 || st.LastOK.IsZero() {
		t.Errorf("first pull: %+v", st)
	}
	if err := cl.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, p, "the pull to fail", func(s CatalogStatus) bool { return s.Err != nil })
	if st.Version != imp.Version || st.FailingFrom.IsZero() || st.FailingFrom.Before(st.LastOK) {
		t.Errorf("while head office is down: %+v", st)
	}
	if it, err := catalog.Find(term, catalog.Classify("6901234567892")); err != nil || it.Price != 350 {
		t.Fatalf("selling from the last copy: %+v, %v", it, err)
	}
	if err := cl.Resume(ctx); err != nil {
		t.Fatal(err)
	}
	cola.Price = 380
	pool.Reset()
	imp2, err := ImportCatalog(ctx, pool, nil, catalogstore.Changes{Items: []catalog.Item{cola}})
	if err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, p, "the catch-up", func(s CatalogStatus) bool { return s.Version == imp2.Version && s.Err == nil })
	if !st.FailingFrom.IsZero() || st.Changed != 1 {
		t.Errorf("after the outage: %+v", st)
	}
	if it, _ := term.ByBarcode("6901234567892"); it.Price != 380 {
		t.Errorf("cola costs %d after the catch-up, want 380", it.Price)
	}
	if v, _ := term.HQVersion(); v != imp2.Version {
		t.Errorf("terminal at HQ version %d, want %d", v, imp2.Version)
	}
}

package replica_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/storage"
)

// A terminal replicates in the background: the worker runs for the life of
// the process, is kicked after every committed change so head office sees
// it within milliseconds, and its Status feeds the status bar.
func ExampleWorker() {
	ctx := context.Background()
	db, err := storage.Open("wxpos.db", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var term *pos.Terminal // the payment core on db (pos.New)

	pool, err := replica.Connect(ctx, replica.Config{
		DSN:          "postgres://wxpos@hq.example.com/wxpos?sslmode=verify-full",
		PasswordFile: "/etc/wxpos/pg.password",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	w, err := replica.NewWorker(db, pool, replica.Options{StoreID: "S01", TerminalID: "T01"})
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if _, err := replica.Migrate(mctx, pool); err != nil {
			log.Print(err) // the worker retries until the schema is there
		}
	}()
	go w.Run(ctx)
	go func() {
		for range term.Subscribe(ctx) {
			w.Kick()
		}
	}()

	// The status bar, every few seconds:
	fmt.Println(w.Status().Summary(time.Now()))
}

package replica

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/replica/pgtest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// BenchmarkNotifySinkBurst is WeChat delivering 200 notifications at once
// over real HTTP to a receiver that records them in PostgreSQL, on a
// server of its own with fsync on (a durable commit, as in a store): p50
// and p99 answer time, notifications recorded per second, and deliveries
// answered failure per burst (not recorded within notify.RecordTimeout, so
// WeChat would send them again). serial is each Accept in a
// transaction of its own behind the advisory lock, as before group
// commit; group is NotifySink as shipped. The two alternate in one run.
//
//	go test -run XXX -bench NotifySinkBurst -benchtime 5x ./replica/
func BenchmarkNotifySinkBurst(b *testing.B) {
	const burst = 200
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := pgtest.StartWith(ctx, &pgtest.Options{Durable: true})
	cancel()
	if err != nil {
		b.Skip(err)
	}
	b.Cleanup(func() { c.Close() })
	env := gatetest.Start(b, time.Now, func(o *sandbox.Options) { o.NotifyLoopback = true })
	creds := env.Sandbox.Credentials()
	for _, name := range []string{"serial", "group"} {
		b.Run(name, func(b *testing.B) {
			sink := NewNotifySink(poolOn(b, c, Config{MaxConns: 8}))
			sink.serial = name == "serial"
			rc, err := notify.NewReceiver(notify.Receiver{MchID: creds.MchID, V3: env.Client.NotifyParser(), Sink: sink})
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(notify.NewServer("", rc.Handler()).Handler)
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: burst}}
			ds := make([]delivered, burst*b.N)
			for i := range ds {
				no := fmt.Sprintf("PS01-T01-B%08d", i)
				ds[i] = forgeV3(b, creds, fmt.Sprintf("EV-bench-%08d", i), map[string]any{"appid": "wx0000000000000000",
					"mchid": creds.MchID, "out_trade_no": no, "transaction_id": "42" + no, "trade_type": "NATIVE",
					"trade_state": "SUCCESS", "success_time": time.Now().Format(time.RFC3339),
					"amount": map[string]any{"total": 100, "payer_total": 100, "currency": "CNY"}})
			}
			var (
				lat    []time.Duration
				failed int
				mu     sync.Mutex
			)
			b.ResetTimer()
			start := time.Now()
			for n := range b.N {
				var wg sync.WaitGroup
				for _, d := range ds[n*burst : (n+1)*burst] {
					wg.Go(func() {
						req, _ := http.NewRequest(http.MethodPost, srv.URL+"/notify/v3", bytes.NewReader(d.b))
						req.Header = d.h
						t0 := time.Now()
						resp, err := client.Do(req)
						took := time.Since(t0)
						if err != nil {
							b.Error(err)
							return
						}
						resp.Body.Close()
						mu.Lock()
						lat = append(lat, took)
						if resp.StatusCode != http.StatusNoContent {
							failed++ // not recorded within notify.RecordTimeout: WeChat re-sends
						}
						mu.Unlock()
					})
				}
				wg.Wait()
			}
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(len(lat)-failed)/elapsed.Seconds(), "notifications/s")
			b.ReportMetric(float64(failed)/float64(b.N), "failed/burst")
		})
	}
}

package replica

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/internal/latency"
	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/replica/pgtest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// BenchmarkNotifySinkBurst is WeChat delivering 200 notifications at once
// over real HTTP to a receiver that records them in PostgreSQL, on a
// server of its own with fsync on (a durable commit, as in a store): p50
// and p99 answer time, notifications recorded per second, and deliveries
// answered failure per burst (not recorded by notify.AnswerDeadline, so
// WeChat would send them again). serial is each Accept in a
// transaction of its own behind the advisory lock, as before group
// commit; group is NotifySink as shipped. The two alternate in one run.
// One untimed burst first opens the client's 200 connections (a reverse
// proxy keeps its connections to the receiver open). Where an answer's
// time goes: srv-p99-ms is the handler's (request read to answer
// written), sink-p99-ms the Accept's (waiting for a group and its
// commit), commit-p99-ms one group's commit, per-commit the mean group.
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
			var srvLat, sinkLat, commitLat latency.Recorder
			var groups, grouped int
			var groupsMu sync.Mutex
			sink.onCommit = func(n int, took time.Duration) {
				commitLat.Add(took)
				groupsMu.Lock()
				groups, grouped = groups+1, grouped+n
				groupsMu.Unlock()
			}
			rc, err := notify.NewReceiver(notify.Receiver{MchID: creds.MchID, V3: env.Client.NotifyParser(),
				Sink: timedSink{sink, &sinkLat}})
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(notify.NewServer("", srvLat.Timed(rc.Handler())).Handler)
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: burst}}
			ds := make([]delivered, burst*(b.N+1))
			for i := range ds {
				no := fmt.Sprintf("PS01-T01-B%08d", i)
				ds[i] = forgeV3(b, creds, fmt.Sprintf("EV-bench-%08d", i), map[string]any{"appid": "wx0000000000000000",
					"mchid": creds.MchID, "out_trade_no": no, "transaction_id": "42" + no, "trade_type": "NATIVE",
					"trade_state": "SUCCESS", "success_time": time.Now().Format(time.RFC3339),
					"amount": map[string]any{"total": 100, "payer_total": 100, "currency": "CNY"}})
			}
			var lat latency.Recorder
			failed := 0
			pool := sink.pool
			sinkBurst(b, client, srv.URL, ds[:burst], nil, &failed) // connections opened, untimed
			srvLat.Reset()
			sinkLat.Reset()
			commitLat.Reset()
			groups, grouped, failed = 0, 0, 0
			cpu0, pg0 := selfCPU(), pgCPU(b, pool)
			b.ResetTimer()
			start := time.Now()
			for n := 1; n <= b.N; n++ {
				sinkBurst(b, client, srv.URL, ds[n*burst:(n+1)*burst], &lat, &failed)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			reportCPU(b, burst*b.N, cpu0, pg0, pool)
			b.ReportMetric(lat.Pct(99), "p99-ms")
			b.ReportMetric(lat.Pct(50), "p50-ms")
			b.ReportMetric(srvLat.Pct(99), "srv-p99-ms")
			b.ReportMetric(sinkLat.Pct(99), "sink-p99-ms")
			if groups > 0 { // serial has no groups
				b.ReportMetric(commitLat.Pct(99), "commit-p99-ms")
				b.ReportMetric(float64(grouped)/float64(groups), "per-commit")
			}
			b.ReportMetric(float64(lat.Len()-failed)/elapsed.Seconds(), "notifications/s")
			b.ReportMetric(float64(failed)/float64(b.N), "failed/burst")
		})
	}
}

// BenchmarkNotifySinkReceive is notifications verified, decrypted and
// recorded durably in PostgreSQL per second by the receiver's handler
// alone (no network: the request handed to it in the process), 64 in
// flight, as notify.BenchmarkReceive does for the bbolt file. Run with
// -cpu 1 for "on one core"; PostgreSQL is a server of its own on the same
// machine (fsync on) and not bound by -cpu, so cpu-us/op (this process,
// per notification) and pg-cpu-us/op (every PostgreSQL process of the
// server, per notification, from /proc) say what one notification costs
// each side: 1e6 / their sum is the rate one core could record with
// PostgreSQL on the same core.
//
//	go test -run XXX -bench NotifySinkReceive -benchtime 2000x -cpu 1 ./replica/
func BenchmarkNotifySinkReceive(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := pgtest.StartWith(ctx, &pgtest.Options{Durable: true})
	cancel()
	if err != nil {
		b.Skip(err)
	}
	b.Cleanup(func() { c.Close() })
	env := gatetest.Start(b, time.Now, func(o *sandbox.Options) { o.NotifyLoopback = true })
	creds := env.Sandbox.Credentials()
	sink := NewNotifySink(poolOn(b, c, Config{MaxConns: 8}))
	rc, err := notify.NewReceiver(notify.Receiver{MchID: creds.MchID, V3: env.Client.NotifyParser(), Sink: sink})
	if err != nil {
		b.Fatal(err)
	}
	h := rc.Handler()
	ds := make([]delivered, b.N)
	for i := range ds {
		no := fmt.Sprintf("PS01-T01-R%08d", i)
		ds[i] = forgeV3(b, creds, fmt.Sprintf("EV-recv-%08d", i), map[string]any{"appid": "wx0000000000000000",
			"mchid": creds.MchID, "out_trade_no": no, "transaction_id": "42" + no, "trade_type": "NATIVE",
			"trade_state": "SUCCESS", "success_time": time.Now().Format(time.RFC3339),
			"amount": map[string]any{"total": 100, "payer_total": 100, "currency": "CNY"}})
	}
	var (
		next sync.Mutex
		i    int
	)
	cpu0, pg0 := selfCPU(), pgCPU(b, sink.pool)
	b.SetParallelism(64)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			next.Lock()
			d := ds[i]
			i++
			next.Unlock()
			req := httptest.NewRequest(http.MethodPost, "/notify/v3", bytes.NewReader(d.b))
			req.Header = d.h
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusNoContent {
				b.Errorf("answered %d %s", w.Code, w.Body)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "notifications/s")
	reportCPU(b, b.N, cpu0, pg0, sink.pool)
}

// selfCPU is this process's CPU time so far (user and system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pgCPU is the CPU time so far of each process of pool's server (its
// backends and background processes, from pg_stat_activity), read from
// /proc; nil where that cannot be read.
func pgCPU(b *testing.B, pool interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) map[int]time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := pool.Query(ctx, `SELECT pid FROM pg_stat_activity`)
	if err != nil {
		b.Logf("pg_stat_activity: %v", err)
		return nil
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil
	}
	out := map[int]time.Duration{}
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil
		}
		// After "pid (comm) ": field 14 utime and 15 stime, in clock ticks (100 a second).
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
		if len(f) < 13 {
			return nil
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		out[int(pid)] = time.Duration(u+s) * 10 * time.Millisecond
	}
	return out
}

// reportCPU reports this process's and PostgreSQL's CPU per notification
// since cpu0 and pg0.
func reportCPU(b *testing.B, n int, cpu0 time.Duration, pg0 map[int]time.Duration, pool interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) {
	b.ReportMetric(float64((selfCPU()-cpu0).Microseconds())/float64(n), "cpu-us/op")
	pg1 := pgCPU(b, pool)
	if pg0 == nil || pg1 == nil {
		return
	}
	var d time.Duration
	for pid, t := range pg1 {
		d += t - pg0[pid] // a process started since counts whole
	}
	b.ReportMetric(float64(d.Microseconds())/float64(n), "pg-cpu-us/op")
}

// sinkBurst posts ds at once and waits for every answer, adding each
// answer's time to lat (nil: not kept) and counting failures.
func sinkBurst(b *testing.B, client *http.Client, url string, ds []delivered, lat *latency.Recorder, failed *int) {
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for _, d := range ds {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, url+"/notify/v3", bytes.NewReader(d.b))
			req.Header = d.h
			t0 := time.Now()
			resp, err := client.Do(req)
			took := time.Since(t0)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if lat != nil {
				lat.Add(took)
			}
			if resp.StatusCode != http.StatusNoContent {
				mu.Lock()
				*failed++ // not recorded by notify.AnswerDeadline: WeChat re-sends
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// timedSink is a Sink whose Accepts are timed into lat.
type timedSink struct {
	notify.Sink
	lat *latency.Recorder
}

func (s timedSink) Accept(ctx context.Context, r *notify.Record) (bool, error) {
	t0 := time.Now()
	defer func() { s.lat.Add(time.Since(t0)) }()
	return s.Sink.Accept(ctx, r)
}

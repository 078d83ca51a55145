package sandbox

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// BenchmarkPayGrowth is the growth goal of issue 19 measured so that a
// shared machine's noise cancels: an empty ledger and one of 100k orders,
// each in memory and in a data directory (fsync per commit), get their
// payments (payment-code pay + query) in turn, one after the other, and
// the ratio of the medians is reported (goal: within 1.2×). Beside wall
// time it reports the ratio of the medians of the CPU time the payment's
// own thread used (ratio-cpu, Linux), which a machine shared with other
// work does not disturb.
func BenchmarkPayGrowth(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, mode := range []string{"memory", "datadir"} {
		b.Run(mode, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var srv [2]*Server
			for k, size := range []int{0, 100000} {
				opts := Options{}
				if mode == "datadir" {
					opts.DataDir = b.TempDir()
				}
				s, err := New(opts)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				fill(b, s, size)
				srv[k] = s
			}
			var took, cpu [2][]time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for k, s := range srv {
					no := fmt.Sprintf("B%09d", i)
					in := payInput{OutTradeNo: no, AmountFen: 100, Body: "bench", AuthCode: fmt.Sprintf("13000199%010d", i), Gen: "v3"}
					t0, c0 := time.Now(), threadCPU()
					var perr *apiError
					s.update(func(now time.Time) bool { _, perr = s.micropay(now, in); return true })
					var o *order
					s.update(func(time.Time) bool { o, _ = s.query("", no); return false })
					took[k] = append(took[k], time.Since(t0))
					cpu[k] = append(cpu[k], threadCPU()-c0)
					if perr != nil || o == nil || o.State != stateSuccess {
						b.Fatal(perr, o)
					}
				}
			}
			med := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
			m0, m1 := med(took[0]), med(took[1])
			b.ReportMetric(float64(m0.Microseconds()), "µs-median-empty")
			b.ReportMetric(float64(m1.Microseconds()), "µs-median-100k")
			b.ReportMetric(float64(m1)/float64(m0), "ratio")
			if c0, c1 := med(cpu[0]), med(cpu[1]); c0 > 0 {
				b.ReportMetric(float64(c0.Microseconds()), "µs-cpu-empty")
				b.ReportMetric(float64(c1.Microseconds()), "µs-cpu-100k")
				b.ReportMetric(float64(c1)/float64(c0), "ratio-cpu")
			}
		})
	}
}

// BenchmarkLoad is the sandbox under load over real HTTP: 8 clients (the
// project's v3 client, signatures made and verified) each doing v3
// codepay and a query of it, on a ledger already holding 100k orders, in
// memory and in a data directory. It reports requests/s (both calls
// counted), the p50 and p99 of one call and the process's RSS at the end
// (clients included: one process).
func BenchmarkLoad(b *testing.B) {
	for _, mode := range []string{"memory", "datadir"} {
		b.Run(mode, func(b *testing.B) {
			opts := Options{}
			if mode == "datadir" {
				opts.DataDir = b.TempDir()
			}
			s, err := New(opts)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			fill(b, s, 100000)
			srv := httptest.NewServer(s)
			defer srv.Close()
			p := s.Profile(srv.URL)
			c, err := wechat.New(wechat.WithBaseURL(p.BaseURL), wechat.WithMerchant(p.MchID, p.AppID),
				wechat.WithMerchantKey(p.V3.MerchantSerialNo, []byte(p.V3.MerchantPrivateKeyPEM)),
				wechat.WithWechatPayPublicKey(p.V3.PlatformPublicKeyID, []byte(p.V3.PlatformPublicKeyPEM)))
			if err != nil {
				b.Fatal(err)
			}
			const clients = 8
			var (
				next atomic.Int64
				mu   sync.Mutex
				lat  []time.Duration
				wg   sync.WaitGroup
			)
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var mine []time.Duration
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						no := fmt.Sprintf("LD%010d", i)
						t0 := time.Now()
						_, err := c.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: no, Description: "load", AuthCode: NewCode(ScenarioSuccess),
							Total: 100, DeviceIP: "10.0.0.8"})
						t1 := time.Now()
						if err == nil {
							_, err = c.QueryByOutTradeNo(ctx, no)
						}
						if err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, t1.Sub(t0), time.Since(t1))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) == 0 {
				return
			}
			b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-p50")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
			b.ReportMetric(rssMB(), "MB-RSS")
		})
	}
}

// rssMB is the process's resident set (VmRSS), 0 where /proc is not
// there.
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

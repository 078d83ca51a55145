package live_test

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/recon/live"
)

const benchHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n"

func benchAmount(i int) int64 { return int64(100 + i%5000) }

func appendDec(b []byte, v int64, scale int) []byte {
	var frac [8]byte
	f := v
	for i := scale - 1; i >= 0; i-- {
		frac[i] = byte('0' + f%10)
		f /= 10
	}
	b = strconv.AppendInt(b, f, 10)
	b = append(b, '.')
	return append(b, frac[:scale]...)
}

func yuan2(fen int64) string { return string(appendDec(nil, fen, 2)) }

func yuan5(milli int64) string { return string(appendDec(nil, milli, 5)) }

// billStream produces a current-layout ALL bill of n payment rows of
// terminal T1 on the fly (constant memory), with a correct summary.
type billStream struct {
	n, i  int
	stage int
	buf   []byte
	off   int
}

func (s *billStream) Read(p []byte) (int, error) {
	for s.off == len(s.buf) {
		s.buf, s.off = s.buf[:0], 0
		switch {
		case s.stage == 0:
			s.buf = append(s.buf, benchHeader...)
			s.stage = 1
		case s.stage == 1 && s.i < s.n:
			i := s.i
			s.i++
			a := benchAmount(i)
			b := s.buf
			b = append(b, "`2026-11-25 12:00:00,`wx1,`1900000001,`0,`T1,`42000012342026112"...)
			b = strconv.AppendInt(b, int64(100000000+i), 10)
			b = append(b, ",`PS1-T1-"...)
			b = strconv.AppendInt(b, int64(10000000+i), 10)
			b = append(b, ",`oUser,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`"...)
			b = appendDec(b, a, 2)
			b = append(b, ",`0.00,`0,`0,`0.00,`0.00,`,`,`咖啡,`,`"...)
			b = appendDec(b, a*6, 5)
			b = append(b, ",`0.60%,`"...)
			b = appendDec(b, a, 2)
			b = append(b, ",`0.00,`\n"...)
			s.buf = b
		case s.stage == 1:
			var sum, fee int64
			for i := 0; i < s.n; i++ {
				sum += benchAmount(i)
				fee += benchAmount(i) * 6
			}
			s.buf = fmt.Appendf(s.buf, "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n`%d,`%s,`0.00,`0.00,`%s,`%s,`0.00\n",
				s.n, yuan2(sum), yuan5(fee), yuan2(sum))
			s.stage = 2
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, s.buf[s.off:])
	s.off += n
	return n, nil
}

type localStream struct{ n int }

func (l localStream) NumOrders() int { return l.n }

func (l localStream) EachOrder(fn func(*recon.Order) error) error {
	var buf []byte
	t := recon.Day("20261125").Start().Add(12 * time.Hour)
	for i := 0; i < l.n; i++ {
		buf = strconv.AppendInt(append(buf[:0], "PS1-T1-"...), int64(10000000+i), 10)
		if err := fn(&recon.Order{OutTradeNo: string(buf), Tender: receipt.TenderWeChatScan, State: "PAID", AmountFen: benchAmount(i), Time: t}); err != nil {
			return err
		}
	}
	return nil
}

func (localStream) EachRefund(func(*recon.Refund) error) error { return nil }

// BenchmarkParseAndReconcileMillion is the whole pipeline: a 1,000,000-row
// bill parsed from text by wechat/bill as it streams, reconciled against
// 1,000,000 local orders. (recon's BenchmarkReconcileMillion measures the
// engine alone.)
func BenchmarkParseAndReconcileMillion(b *testing.B) {
	const n = 1_000_000
	var peak uint64
	for b.Loop() {
		runtime.GC()
		stop := make(chan struct{})
		done := make(chan uint64)
		go func() {
			s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			var p uint64
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				metrics.Read(s)
				p = max(p, s[0].Value.Uint64())
				select {
				case <-stop:
					done <- p
					return
				case <-tick.C:
				}
			}
		}()
		rows, _ := live.Parse(&billStream{n: n})
		res, err := recon.Reconcile("20261125", recon.TerminalOf("S1", "T1"), localStream{n}, rows)
		close(stop)
		peak = max(peak, <-done)
		if err != nil {
			b.Fatal(err)
		}
		if res.Counts[recon.KindMatched] != n || len(res.Differences) != 0 {
			b.Fatalf("counts %v, %d differences", res.Counts, len(res.Differences))
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

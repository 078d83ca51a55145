package sandbox_test

import (
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestSlowClientsDoNotStarveValidRequests opens many connections that send
// their headers and then trickle nothing of the body they announced (the
// slow-body attack), then makes a payment: it must get through once the
// slow connections have used up their ReadTimeout, and the server side must
// hold at most MaxConns of them open at any time — without the cap it
// accepts every one (a descriptor each) and 21k of them exhausted the
// process.
func TestSlowClientsDoNotStarveValidRequests(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd to count descriptors")
	}
	const maxConns, slow = 8, 128
	lim := sandbox.Limits{ReadHeaderTimeout: 150 * time.Millisecond, ReadTimeout: 150 * time.Millisecond,
		WriteTimeout: 10 * time.Second, IdleTimeout: time.Second, MaxConns: maxConns}
	sb, err := sandbox.New(sandbox.Options{Credentials: testCredentials(t), Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs, capped := sandbox.Listen(ln, sb, lim)
	srv := &httptest.Server{Listener: capped, Config: hs}
	srv.Start()
	t.Cleanup(srv.Close)
	srv.Client().Timeout = 10 * time.Second // a starved request fails instead of hanging
	e := envFor(t, sb, srv)

	before := openFDs(t)
	for i := range slow {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatalf("slow connection %d: %v", i, err)
		}
		t.Cleanup(func() { c.Close() })
		fmt.Fprintf(c, "POST /pay/micropay HTTP/1.1\r\nHost: sandbox\r\nContent-Type: text/xml\r\nContent-Length: 60000\r\n\r\n<xml>")
	}

	no := newNo("SLOW")
	got := e.v2("/pay/micropay", micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	if got["result_code"] != "SUCCESS" {
		t.Fatalf("valid payment behind %d slow connections: %v", slow, got)
	}
	// Ours: slow client sockets + the valid client's; the server's: at most
	// maxConns accepted at once. Without the cap it is 2×slow.
	if n := openFDs(t) - before; n > slow+maxConns+8 {
		t.Errorf("%d descriptors more with %d slow clients and a cap of %d: the server holds more than its cap", n, slow, maxConns)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

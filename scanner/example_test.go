package scanner_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wxpos/wxpos/scanner"
)

func ExampleCheckPaymentCode() {
	for _, code := range []string{"134567890123456789", "284567890123456789", "6901234567892", "1345678"} {
		err := scanner.CheckPaymentCode(code)
		var ce *scanner.CodeError
		switch {
		case err == nil:
			fmt.Println(scanner.Mask(code), "send to WeChat")
		case errors.Is(err, scanner.ErrOnlyWeChat):
			fmt.Println(scanner.Mask(code), "only WeChat Pay")
		case errors.As(err, &ce):
			fmt.Println(scanner.Mask(code), ce.Reason)
		}
	}
	// Output:
	// …6789 send to WeChat
	// …6789 only WeChat Pay
	// …7892 product_barcode
	// …5678 partial_read
}

func ExampleFramer() {
	f := scanner.NewFramer(scanner.Config{StripAIM: true})
	var frames []scanner.Frame
	// One code split over two reads, then two codes in one read.
	for _, read := range []string{"]C01345678", "90123456789\r\n", "104567890123456780\r\n6901234567892\r\n"} {
		frames = f.Feed(frames, []byte(read))
	}
	for _, fr := range frames {
		fmt.Println(scanner.Mask(fr.Data), fr.Check() == nil)
	}
	// Output:
	// …6789 true
	// …6780 true
	// …7892 false
}

func ExampleWedge() {
	w := scanner.NewWedge(scanner.Config{})
	for _, r := range "１３４５６７８９０１２３４５６７８９" { // typed through a Chinese IME
		w.TypeRune(r)
	}
	scan, ok := w.Enter()
	fmt.Println(ok, scan)
	// Output:
	// true …6789 (18 chars) WeChat Pay code
}

// ExampleStart shows the wiring pos and the UI need: a status callback for
// the status bar, Drain when a payment starts, then the first valid scan.
func ExampleStart() {
	ctx := context.Background()
	sc, err := scanner.Start(ctx, scanner.Config{Port: "/dev/serial/by-id/usb-Scanner-if00", StripAIM: true})
	if err != nil {
		fmt.Println(err) // only an invalid Config fails; a missing device is retried
		return
	}
	defer sc.Close()
	stop := sc.Subscribe(func(st scanner.Status) {
		// In the UI: fyne.Do(func() { statusBar.SetScanner(st) })
		_ = st.State
	})
	defer stop()

	sc.Drain() // a payment starts: forget earlier scans
	timeout := time.After(30 * time.Second)
	for {
		select {
		case s := <-sc.Scans():
			if !s.OK() {
				fmt.Println("rescan:", s.Reason().Hint())
				continue
			}
			fmt.Println("pay with", s) // prints the masked code; s.Code goes to WeChat
			return
		case <-timeout:
			return
		}
	}
}

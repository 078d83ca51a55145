package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

const goodCode = "134567890123456789"

func zh(m msg, args ...any) string { return newCatalog(LangZH).T(m, args...) }

func TestKeyAmount(t *testing.T) {
	tests := []struct {
		name      string
		typed     string
		keys      []fyne.KeyName
		taps      []string
		wantTotal string
		wantLines int
	}{
		{"keyboard digits", "12.5", nil, nil, "¥12.50", 0},
		{"keypad taps", "", nil, []string{"8", ".", "0", "8"}, "¥8.08", 0},
		{"backspace", "123", []fyne.KeyName{fyne.KeyBackspace}, nil, "¥12.00", 0},
		{"escape clears", "99", []fyne.KeyName{fyne.KeyEscape}, nil, "¥0.00", 0},
		{"item lines add up", "3+4.5+1", nil, nil, "¥8.50", 2},
		{"third decimal ignored", "1.999", nil, nil, "¥1.99", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.typeText(tt.typed)
			for _, k := range tt.keys {
				h.key(k)
			}
			s := screenAs[*saleScreen](h)
			for _, k := range tt.taps {
				test.Tap(s.keypad.Button(k))
			}
			if got := s.total.Text(); got != tt.wantTotal {
				t.Errorf("total shows %q, want %q", got, tt.wantTotal)
			}
			if got := s.lineView.list.Length(); got != tt.wantLines {
				t.Errorf("%d item lines shown, want %d", got, tt.wantLines)
			}
		})
	}
}

func TestTenderNeedsAmount(t *testing.T) {
	h := newHarness(t)
	h.key(fyne.KeyF1)
	s := screenAs[*saleScreen](h)
	if s.hint.Text != zh(msgSaleNoAmount) {
		t.Errorf("hint %q", s.hint.Text)
	}
}

// startScan keys amount, opens the scan screen and wedge-types a code.
func startScan(t *testing.T, h *harness, amount, code string) *scanScreen {
	t.Helper()
	h.typeText(amount)
	h.key(fyne.KeyF1)
	s := screenAs[*scanScreen](h)
	if !s.prompt.Visible() || s.prompt.Text != zh(msgScanPrompt) {
		t.Fatalf("prompt %q visible=%v", s.prompt.Text, s.prompt.Visible())
	}
	n := h.fake.count()
	h.typeText(code)
	h.key(fyne.KeyReturn)
	h.waitFor("payment to start", func() bool { return h.fake.count() == n+1 && h.term.pay != nil && h.term.pay.outTradeNo != "" })
	return s
}

func TestScanSuccess(t *testing.T) {
	h := newHarness(t)
	s := startScan(t, h, "12.50", goodCode)
	if s.progress.Text != zh(msgScanSubmitting) {
		t.Errorf("progress %q", s.progress.Text)
	}
	if !s.cancelBtn.Disabled() {
		t.Error("cancel enabled while submitting")
	}
	no := h.fake.last()
	h.fake.emit(no, Update{State: StatePaid})
	h.waitFor("receipt", onScreen[*receiptScreen](h))
	r := screenAs[*receiptScreen](h)
	for key, want := range map[msg]string{
		msgReceiptAmount:  "¥12.50",
		msgReceiptOrderNo: no,
		msgReceiptTxnID:   "4200000000202611260000001234",
		msgReceiptTender:  zh(msgTenderScan),
	} {
		if got := r.fields[key]; got == nil || got.Text != want {
			t.Errorf("receipt %s = %v, want %q", key, got, want)
		}
	}
	if codes, _, _, _ := h.fake.snapshot(); len(codes) != 1 || codes[0] != goodCode {
		t.Errorf("codes sent %v", codes)
	}
	h.key(fyne.KeyReturn)
	if got := screenAs[*saleScreen](h).total.Text(); got != "¥0.00" {
		t.Errorf("new sale starts at %q", got)
	}
}

func TestScanUserPayingThenPaid(t *testing.T) {
	h := newHarness(t)
	s := startScan(t, h, "1500", goodCode)
	no := h.fake.last()
	h.fake.emit(no, Update{State: StateWaitingPassword, Deadline: time.Now().Add(30 * time.Second)})
	h.waitFor("waiting for password", func() bool { return s.state == StateWaitingPassword })
	if !strings.HasPrefix(s.progress.Text, "等待顾客输入密码… 剩余 ") || !(strings.HasSuffix(s.progress.Text, " 30 秒") || strings.HasSuffix(s.progress.Text, " 29 秒")) {
		t.Errorf("progress %q", s.progress.Text)
	}
	if s.cancelBtn.Disabled() {
		t.Error("cancel disabled while waiting for the password")
	}
	h.fake.emit(no, Update{State: StatePaid})
	h.waitFor("receipt", onScreen[*receiptScreen](h))
	if got := screenAs[*receiptScreen](h).fields[msgReceiptAmount].Text; got != "¥1500.00" {
		t.Errorf("amount %q", got)
	}
}

func TestScanFailureReasons(t *testing.T) {
	tests := []struct {
		name   string
		reason Reason
		want   string
	}{
		{"insufficient balance", ReasonNotEnough, "余额不足 — 请顾客换卡或换一种方式付款"},
		{"expired code", ReasonCodeExpired, "付款码已过期 — 请顾客刷新付款码后重新扫码"},
		{"used code", ReasonCodeError, zh(msgReasonCodeError)},
		{"unexplained", Reason("SOMETHING_NEW"), zh(msgReasonOther)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			s := startScan(t, h, "20", goodCode)
			h.fake.emit(h.fake.last(), Update{State: StateFailed, Reason: tt.reason})
			h.waitFor("failure", func() bool { return s.phase == scanDone })
			if s.reason.Text != tt.want {
				t.Errorf("reason %q, want %q", s.reason.Text, tt.want)
			}
			if !s.againBtn.Visible() {
				t.Error("no scan-again button")
			}
			// Enter: ready for a fresh code on the same sale.
			h.key(fyne.KeyReturn)
			if s.phase != scanAwaitingCode || !s.prompt.Visible() || s.reason.Text != "" {
				t.Errorf("after again: phase %v prompt %v reason %q", s.phase, s.prompt.Visible(), s.reason.Text)
			}
			h.typeText("134567890123450000")
			h.key(fyne.KeyReturn)
			h.waitFor("second attempt", func() bool { return h.fake.count() == 2 })
			// Esc after a failure goes back to the sale with the amount kept.
			h.fake.emit(h.fake.last(), Update{State: StateFailed, Reason: tt.reason})
			h.waitFor("second failure", func() bool { return s.phase == scanDone })
			h.key(fyne.KeyEscape)
			if got := screenAs[*saleScreen](h).total.Text(); got != "¥20.00" {
				t.Errorf("sale total after failure %q", got)
			}
		})
	}
}

func TestScanCancelReverses(t *testing.T) {
	h := newHarness(t)
	s := startScan(t, h, "88", goodCode)
	no := h.fake.last()
	h.fake.emit(no, Update{State: StateWaitingPassword, Deadline: time.Now().Add(30 * time.Second)})
	h.waitFor("waiting", func() bool { return s.state == StateWaitingPassword })
	h.key(fyne.KeyEscape)
	h.waitFor("reversed", func() bool { return s.state == StateReversed })
	if _, cancels, _, _ := h.fake.snapshot(); len(cancels) != 1 || cancels[0] != no {
		t.Errorf("cancels %v, want [%s]", cancels, no)
	}
	if s.reason.Text != zh(msgScanReversed) || s.progress.Text != zh(msgStateReversed) {
		t.Errorf("reason %q progress %q", s.reason.Text, s.progress.Text)
	}
}

func TestScanCancelWhileSubmittingIgnored(t *testing.T) {
	h := newHarness(t)
	startScan(t, h, "5", goodCode)
	h.key(fyne.KeyEscape)
	screenAs[*scanScreen](h)
	if _, cancels, _, _ := h.fake.snapshot(); len(cancels) != 0 {
		t.Errorf("cancel sent while submitting: %v", cancels)
	}
}

func TestScanRejectsNonWeChatCode(t *testing.T) {
	tests := []struct{ name, code string }{
		{"too short", "1345678901"},
		{"alipay", "281234567890123456"},
		{"product barcode", "6901234567892"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.typeText("3")
			h.key(fyne.KeyF1)
			s := screenAs[*scanScreen](h)
			h.typeText(tt.code)
			h.key(fyne.KeyReturn)
			h.drain()
			if s.reason.Text != zh(msgReasonCodeInvalid) || h.fake.count() != 0 || s.phase != scanAwaitingCode {
				t.Errorf("reason %q, %d payments, phase %v", s.reason.Text, h.fake.count(), s.phase)
			}
		})
	}
}

func TestSerialScannerStartsPayment(t *testing.T) {
	h := newHarness(t)
	h.typeText("9.9")
	h.codes <- goodCode
	h.waitFor("scan payment", func() bool { return h.fake.count() == 1 })
	s := screenAs[*scanScreen](h)
	if s.amount.Text() != "¥9.90" {
		t.Errorf("amount %q", s.amount.Text())
	}
}

func TestScanUnknownRetryThenPaid(t *testing.T) {
	h := newHarness(t)
	startScan(t, h, "66", goodCode)
	no := h.fake.last()
	h.fake.emit(no, Update{State: StateUnknown})
	h.waitFor("unknown screen", onScreen[*unknownScreen](h))
	u := screenAs[*unknownScreen](h)
	if u.amount.Text() != "¥66.00" || !strings.HasSuffix(u.order.Text, no) || u.checking.Text != zh(msgUnknownChecking) {
		t.Errorf("unknown shows %q / %q / %q", u.amount.Text(), u.order.Text, u.checking.Text)
	}
	if !u.forcePaidBtn.Disabled() || !u.forceVoidBtn.Disabled() {
		t.Error("manager actions enabled before the manager issue")
	}
	test.Tap(u.retryBtn)
	h.waitFor("recheck", func() bool { _, _, r, _ := h.fake.snapshot(); return len(r) == 1 })
	h.fake.emit(no, Update{State: StatePaid})
	h.waitFor("receipt", onScreen[*receiptScreen](h))
}

func TestUnknownParkedForNextSale(t *testing.T) {
	h := newHarness(t)
	startScan(t, h, "66", goodCode)
	no := h.fake.last()
	h.fake.emit(no, Update{State: StateUnknown})
	h.waitFor("unknown screen", onScreen[*unknownScreen](h))
	test.Tap(screenAs[*unknownScreen](h).laterBtn)
	s := screenAs[*saleScreen](h)
	h.fake.emit(no, Update{State: StatePaid})
	h.drain()
	if h.term.cur != screen(s) {
		t.Errorf("a parked payment moved the screen to %T", h.term.cur)
	}
}

// startQR keys amount, opens the QR screen and shows a code.
func startQR(t *testing.T, h *harness, amount string, ttl time.Duration) (*qrScreen, string) {
	t.Helper()
	h.typeText(amount)
	h.key(fyne.KeyF2)
	s := screenAs[*qrScreen](h)
	h.waitFor("order", func() bool { return h.fake.count() == 1 && h.term.pay != nil && h.term.pay.outTradeNo != "" })
	no := h.fake.last()
	h.fake.emit(no, Update{State: StateShowingQR, CodeURL: "weixin://wxpay/bizpayurl?pr=Ab12Cd3", Deadline: time.Now().Add(ttl)})
	h.waitFor("QR", func() bool { return s.state == StateShowingQR })
	return s, no
}

func TestQRPaid(t *testing.T) {
	h := newHarness(t)
	s, no := startQR(t, h, "45.6", 10*time.Minute)
	if !s.img.Visible() || s.img.Image == nil || s.img.Image.Bounds().Dx() < qrSize {
		t.Errorf("QR image visible=%v", s.img.Visible())
	}
	if s.expires.Text != zh(msgQRExpires, 10, 0) && s.expires.Text != zh(msgQRExpires, 9, 59) {
		t.Errorf("expiry %q", s.expires.Text)
	}
	if s.amount.Text() != "¥45.60" {
		t.Errorf("amount %q", s.amount.Text())
	}
	h.fake.emit(no, Update{State: StatePaid})
	h.waitFor("receipt", onScreen[*receiptScreen](h))
	if got := screenAs[*receiptScreen](h).fields[msgReceiptTender].Text; got != zh(msgTenderQR) {
		t.Errorf("tender %q", got)
	}
}

// TestQRNotifiedThenPaid: WeChat's notification that the customer paid
// reaches the screen before the query confirms it — the cashier reads
// so, the code stays (the sale is not paid until confirmed), the line
// outlives the next poll's update and a close at the deadline, and the
// confirmed sale opens the receipt. A failed sale says why, not "paid".
func TestQRNotifiedThenPaid(t *testing.T) {
	h := newHarness(t)
	s, no := startQR(t, h, "25", 10*time.Minute)
	if s.progress.Text == zh(msgQRNotified) {
		t.Fatal("the screen says paid before any notification")
	}
	h.fake.emit(no, Update{State: StateShowingQR, CodeURL: "weixin://wxpay/bizpayurl?pr=Ab12Cd3", Notified: true})
	h.waitFor("the notified line", func() bool { return s.progress.Text == zh(msgQRNotified) })
	if s.progress.Importance != widget.SuccessImportance || !s.img.Visible() || h.term.cur != screen(s) {
		t.Errorf("notified: importance %v, code visible %v, screen %T", s.progress.Importance, s.img.Visible(), h.term.cur)
	}
	h.fake.emit(no, Update{State: StateShowingQR, CodeURL: "weixin://wxpay/bizpayurl?pr=Ab12Cd3"})
	h.fake.emit(no, Update{State: StateClosing, Reason: ReasonExpired})
	h.waitFor("closing", func() bool { return s.state == StateClosing })
	if s.progress.Text != zh(msgQRNotified) {
		t.Errorf("after the next poll and the close: %q, want the notified line", s.progress.Text)
	}
	h.fake.emit(no, Update{State: StatePaid})
	h.waitFor("receipt", onScreen[*receiptScreen](h))

	h2 := newHarness(t)
	s2, no2 := startQR(t, h2, "25", 10*time.Minute)
	h2.fake.emit(no2, Update{State: StateShowingQR, Notified: true})
	h2.fake.emit(no2, Update{State: StateFailed, Reason: ReasonNotEnough})
	h2.waitFor("failed", func() bool { return s2.done })
	if s2.progress.Text != "" || s2.reason.Text != zh(reasonMsg(ReasonNotEnough)) {
		t.Errorf("failed after a notice: progress %q, reason %q", s2.progress.Text, s2.reason.Text)
	}
}

func TestQREnds(t *testing.T) {
	tests := []struct {
		name   string
		end    func(h *harness, no string)
		want   string
		cancel bool
	}{
		{"expired", func(h *harness, no string) {
			h.fake.emit(no, Update{State: StateClosing, Reason: ReasonExpired})
			h.fake.emit(no, Update{State: StateClosed, Reason: ReasonExpired})
		}, "二维码已过期，顾客未付款。按 F2 生成新二维码", false},
		{"cashier cancels", func(h *harness, _ string) { h.key(fyne.KeyEscape) }, zh(msgQRClosed), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			s, no := startQR(t, h, "7", time.Minute)
			tt.end(h, no)
			h.waitFor("closed", func() bool { return s.done })
			if s.reason.Text != tt.want || s.img.Visible() || !s.backBtn.Visible() {
				t.Errorf("reason %q, QR visible %v, back visible %v", s.reason.Text, s.img.Visible(), s.backBtn.Visible())
			}
			if _, cancels, _, _ := h.fake.snapshot(); (len(cancels) == 1) != tt.cancel {
				t.Errorf("cancels %v", cancels)
			}
			h.key(fyne.KeyReturn)
			if got := screenAs[*saleScreen](h).total.Text(); got != "¥7.00" {
				t.Errorf("back on sale with %q", got)
			}
		})
	}
}

func TestTrainingSimulatedCustomer(t *testing.T) {
	h := newHarness(t, WithTraining(true), WithCustomer(fakeCustomer{}))
	h.term.opt.customer = fakeCustomer{f: h.fake}
	if !h.term.bar.TrainingBannerVisible() {
		t.Fatal("no training banner")
	}
	t.Run("customer pays the QR", func(t *testing.T) {
		s, _ := startQR(t, h, "12", 5*time.Minute)
		if !s.simBtn.Visible() || s.simBtn.Disabled() {
			t.Fatal("simulate button not available")
		}
		test.Tap(s.simBtn)
		h.waitFor("receipt", onScreen[*receiptScreen](h))
		h.key(fyne.KeyReturn)
	})
	t.Run("scenario code", func(t *testing.T) {
		h.typeText("30")
		h.key(fyne.KeyF1)
		s := screenAs[*scanScreen](h)
		if len(s.sim.Objects) != 2 {
			t.Fatalf("simulator panel has %d parts", len(s.sim.Objects))
		}
		grid := s.sim.Objects[1].(*fyne.Container)
		test.Tap(grid.Objects[1].(interface{ fyne.Tappable }))
		h.waitFor("scenario payment", func() bool { return h.fake.count() == 2 })
		if codes, _, _, _ := h.fake.snapshot(); codes[len(codes)-1] != "134567890123450004" {
			t.Errorf("scenario sent %v", codes)
		}
	})
}

func TestCashWithChange(t *testing.T) {
	h := newHarness(t)
	h.typeText("12.50")
	h.key(fyne.KeyF3)
	s := screenAs[*cashScreen](h)
	h.typeText("10")
	if s.short.Text != zh(msgCashShort, "¥2.50") || !s.confirmBtn.Disabled() {
		t.Errorf("short %q, confirm disabled %v", s.short.Text, s.confirmBtn.Disabled())
	}
	test.Tap(s.notes[1]) // ¥20
	if s.change.Text() != "¥7.50" {
		t.Errorf("change for ¥20: %q", s.change.Text())
	}
	h.key(fyne.KeyBackspace)
	h.key(fyne.KeyBackspace)
	h.typeText("100")
	if s.tendered.Text() != "¥100.00" || s.change.Text() != "¥87.50" || s.confirmBtn.Disabled() {
		t.Errorf("tendered %q change %q confirm disabled %v", s.tendered.Text(), s.change.Text(), s.confirmBtn.Disabled())
	}
	h.key(fyne.KeyReturn)
	h.waitFor("receipt", onScreen[*receiptScreen](h))
	r := screenAs[*receiptScreen](h)
	if r.fields[msgReceiptChange].Text != "¥87.50" || r.fields[msgReceiptTendered].Text != "¥100.00" {
		t.Errorf("receipt change %q tendered %q", r.fields[msgReceiptChange].Text, r.fields[msgReceiptTendered].Text)
	}
	if _, _, _, cash := h.fake.snapshot(); len(cash) != 1 || cash[0] != 10000 {
		t.Errorf("cash recorded %v", cash)
	}
}

func TestPrintAndReprint(t *testing.T) {
	h := newHarness(t)
	paid := &receipt.Receipt{No: "01-T1-000007", Kind: receipt.KindSale, StoreName: "Test store", Time: time.Now(),
		TotalFen: 990, Tender: receipt.TenderWeChatScan, OutTradeNo: "P01-T1-00000007", TransactionID: "4200000000202611265555555678"}
	h.fake.today = []Record{
		{OutTradeNo: "P01-T1-00000008", Tender: receipt.TenderWeChatQR, AmountFen: 500, State: StateClosed, Time: time.Now()},
		{OutTradeNo: paid.OutTradeNo, TransactionID: paid.TransactionID, ReceiptNo: paid.No, Tender: paid.Tender, AmountFen: 990, State: StatePaid, Time: time.Now()},
		{OutTradeNo: "P01-T1-00000006", Tender: receipt.TenderWeChatScan, AmountFen: 100, State: StateUnknown, Time: time.Now()},
	}
	h.fake.receipts[paid.OutTradeNo] = *paid
	h.key(fyne.KeyF5)
	hs := screenAs[*historyScreen](h)
	h.waitFor("history", func() bool { return len(hs.records) == 3 })
	for _, tt := range []struct {
		query string
		want  int
	}{{"5678", 1}, {"00000006", 1}, {"P01", 3}, {"9999", 0}, {"", 3}} {
		hs.search.SetText(tt.query)
		h.waitFor("search "+tt.query, func() bool { return !hs.loading.Visible() })
		if len(hs.records) != tt.want {
			t.Errorf("search %q shows %d, want %d", tt.query, len(hs.records), tt.want)
		}
	}
	hs.search.SetText("5678")
	h.waitFor("search", func() bool { return !hs.loading.Visible() && len(hs.records) == 1 })
	test.Tap(historyActions(hs, 0).reprint)
	h.waitFor("receipt", onScreen[*receiptScreen](h))
	r := screenAs[*receiptScreen](h)
	if r.printBtn.Text != zh(msgReceiptReprint) {
		t.Errorf("button %q", r.printBtn.Text)
	}
	h.key(fyne.KeyF6)
	h.waitFor("printed", func() bool { return len(h.print.printed()) == 1 })
	if got := h.print.printed()[0]; got != (printJob{paid.No, true}) {
		t.Errorf("printed %+v", got)
	}
	h.drain()
	h.key(fyne.KeyEscape)
	if back := screenAs[*historyScreen](h); back != hs || back.search.Text != "5678" {
		t.Errorf("Esc on the reprint went to a new history (search %q), not the one it came from", back.search.Text)
	}
}

func TestPrintAfterSale(t *testing.T) {
	h := newHarness(t)
	h.typeText("1")
	h.key(fyne.KeyF3)
	h.typeText("1")
	h.key(fyne.KeyReturn)
	h.waitFor("receipt", onScreen[*receiptScreen](h))
	r := screenAs[*receiptScreen](h)
	test.Tap(r.printBtn)
	h.waitFor("printed", func() bool { return r.printed && !r.busy })
	test.Tap(r.printBtn)
	h.waitFor("reprinted", func() bool { return len(h.print.printed()) == 2 && !r.busy })
	if got := h.print.printed(); got[0].reprint || !got[1].reprint {
		t.Errorf("jobs %+v: want first original, then reprint", got)
	}
	h.print.err = errors.New("paper out")
	test.Tap(r.printBtn)
	h.waitFor("print error", func() bool { return !r.busy && r.printMsg.Text != "" })
	// The printer's own words stay in the log; the cashier reads what to
	// do, with the reference the log has.
	if !strings.HasPrefix(r.printMsg.Text, "打印失败（参考号 ") || strings.Contains(r.printMsg.Text, "paper out") {
		t.Errorf("print error %q, want the catalogue's printing failure with a reference", r.printMsg.Text)
	}
}

func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t)
	h.key(fyne.KeyF9)
	s := screenAs[*settingsScreen](h)
	s.lang.SetSelected("English")
	sale := screenAs[*saleScreen](h)
	if sale.scanBtn.Text != "Scan code F1" || h.term.bar.net.Text != "Network OK" || h.w.Title() != "wxpos checkout" {
		t.Errorf("english: %q / %q / %q", sale.scanBtn.Text, h.term.bar.net.Text, h.w.Title())
	}
	h.key(fyne.KeyF9)
	screenAs[*settingsScreen](h).lang.SetSelected("中文")
	if got := screenAs[*saleScreen](h).scanBtn.Text; got != "扫码收款 F1" {
		t.Errorf("back to chinese: %q", got)
	}
}

type chanFeed chan Status

func (c chanFeed) Status(context.Context) <-chan Status { return c }

func TestStatusFeed(t *testing.T) {
	feed := make(chanFeed, 1)
	h := newHarness(t, WithStatus(feed))
	feed <- Status{NetworkOK: false, ScannerConnected: true, Pending: 3, Training: true}
	h.waitFor("status", func() bool { return h.term.bar.Status().Pending == 3 })
	b := h.term.bar
	if b.net.Text != "网络故障" || b.scan.Text != "扫码枪已连接" || b.pending.Text != "待处理 3" || !b.TrainingBannerVisible() {
		t.Errorf("bar %q %q %q banner %v", b.net.Text, b.scan.Text, b.pending.Text, b.TrainingBannerVisible())
	}
}

func TestNoCoreConnected(t *testing.T) {
	h := newHarness(t)
	h.term.opt.checkout = nil
	h.typeText("5")
	h.key(fyne.KeyF2)
	if s := screenAs[*saleScreen](h); s.hint.Text != zh(msgCommonNoCore) {
		t.Errorf("hint %q", s.hint.Text)
	}
}

func TestPayError(t *testing.T) {
	h := newHarness(t)
	h.fake.payErr = fmt.Errorf("payment code …2153: %w", pos.ErrCodeUsed)
	h.typeText("5")
	h.key(fyne.KeyF1)
	s := screenAs[*scanScreen](h)
	h.typeText(goodCode)
	h.key(fyne.KeyReturn)
	h.waitFor("error", func() bool { return s.phase == scanDone })
	if s.reason.Text != zh(msgErrCodeUsed) {
		t.Errorf("reason %q, want %q", s.reason.Text, zh(msgErrCodeUsed))
	}
}

func TestManagerHooks(t *testing.T) {
	t.Run("without a manager the actions stay disabled", func(t *testing.T) {
		h := newHarness(t)
		if screenAs[*saleScreen](h).managerBtn.Visible() {
			t.Error("manager button shown without a manager")
		}
		startScan(t, h, "1", goodCode)
		h.fake.emit(h.fake.last(), Update{State: StateUnknown})
		h.waitFor("unknown", onScreen[*unknownScreen](h))
		if u := screenAs[*unknownScreen](h); !u.forcePaidBtn.Disabled() || !u.forceVoidBtn.Disabled() {
			t.Error("force buttons enabled without a manager")
		}
	})
	t.Run("force actions open payments in doubt", func(t *testing.T) {
		h := newHarness(t, WithManager(newMgrWorld(t).desk))
		startScan(t, h, "1", goodCode)
		h.fake.emit(h.fake.last(), Update{State: StateUnknown})
		h.waitFor("unknown", onScreen[*unknownScreen](h))
		test.Tap(screenAs[*unknownScreen](h).forceVoidBtn)
		screenAs[*forceScreen](h)
		if h.term.pay != nil {
			t.Error("payment still in view after handing it to the manager")
		}
	})
	t.Run("F10 opens the manager menu", func(t *testing.T) {
		h := newHarness(t, WithManager(newMgrWorld(t).desk))
		h.key(fyne.KeyF10)
		if _, ok := h.term.cur.(*saleScreen); ok {
			t.Error("F10 stayed on the sale screen")
		}
	})
}

// TestSaleLoopReusesScreens rings up three sales in a row: the sale, cash,
// scan and receipt screens are the same objects each time (no widget tree
// per sale for Fyne's caches to hold) and each sale starts from a clean
// screen, with nothing left over from the one before.
func TestSaleLoopReusesScreens(t *testing.T) {
	h := newHarness(t)
	sale := screenAs[*saleScreen](h)

	// 1: item lines, cash with change.
	h.typeText("5+7")
	h.key(fyne.KeyF3)
	cash := screenAs[*cashScreen](h)
	h.typeText("20")
	h.key(fyne.KeyReturn)
	h.waitFor("receipt 1", onScreen[*receiptScreen](h))
	rc := screenAs[*receiptScreen](h)
	if rc.fields[msgReceiptChange].Text != "¥8.00" || len(rc.grid.Objects) != 2*9 {
		t.Fatalf("receipt 1: change %q, %d grid cells", rc.fields[msgReceiptChange].Text, len(rc.grid.Objects))
	}
	h.key(fyne.KeyReturn)

	// 2: cash again, same screens, nothing tendered, no lines drawn.
	if screenAs[*saleScreen](h) != sale || sale.lineView.list.Length() != 0 || sale.total.Text() != "¥0.00" {
		t.Fatalf("sale screen: same %v, %d lines, total %q", screenAs[*saleScreen](h) == sale, sale.lineView.list.Length(), sale.total.Text())
	}
	h.typeText("3")
	h.key(fyne.KeyF3)
	if screenAs[*cashScreen](h) != cash {
		t.Fatal("a new cash screen for the second sale")
	}
	if cash.tendered.Text() != "¥0.00" || cash.due.Text() != "¥3.00" || !cash.confirmBtn.Disabled() || cash.busy {
		t.Fatalf("cash re-armed: tendered %q due %q confirm disabled %v busy %v",
			cash.tendered.Text(), cash.due.Text(), cash.confirmBtn.Disabled(), cash.busy)
	}
	test.Tap(cash.exactBtn)
	h.key(fyne.KeyReturn)
	h.waitFor("receipt 2", func() bool { return h.term.cur == rc && rc.fields[msgReceiptAmount].Text == "¥3.00" })
	h.key(fyne.KeyReturn)

	// 3: scan; the receipt has no cash rows and the order number.
	s := startScan(t, h, "9", goodCode)
	if s.typed.Text != "" || s.reason.Text != "" || s.amount.Text() != "¥9.00" {
		t.Fatalf("scan screen: typed %q reason %q amount %q", s.typed.Text, s.reason.Text, s.amount.Text())
	}
	h.fake.emit(h.fake.last(), Update{State: StatePaid})
	h.waitFor("receipt 3", func() bool { return h.term.cur == rc && rc.fields[msgReceiptAmount].Text == "¥9.00" })
	if _, ok := rc.fields[msgReceiptChange]; ok || rc.fields[msgReceiptOrderNo] == nil {
		t.Errorf("receipt 3 fields %v", rc.fields)
	}
	if len(rc.grid.Objects) != 2*7 || rc.printed {
		t.Errorf("receipt 3: %d grid cells, printed %v", len(rc.grid.Objects), rc.printed)
	}
	h.key(fyne.KeyReturn)
	h.typeText("1")
	h.key(fyne.KeyF1)
	if screenAs[*scanScreen](h) != s || s.phase != scanAwaitingCode || !s.prompt.Visible() || s.order.Text != "" {
		t.Errorf("scan re-armed: phase %v prompt %v order %q", s.phase, s.prompt.Visible(), s.order.Text)
	}
}

// TestQRScreenRearmed: after an expired QR the next QR sale reuses the
// screen with nothing of the old order left on it.
func TestQRScreenRearmed(t *testing.T) {
	h := newHarness(t)
	s, no := startQR(t, h, "7", time.Minute)
	h.fake.emit(no, Update{State: StateClosed, Reason: ReasonExpired})
	h.waitFor("closed", func() bool { return s.done })
	h.key(fyne.KeyReturn)
	h.key(fyne.KeyF2)
	if screenAs[*qrScreen](h) != s {
		t.Fatal("a new QR screen for the second order")
	}
	if s.done || s.img.Visible() || s.backBtn.Visible() || !s.cancelBtn.Visible() || s.reason.Text != "" || s.order.Text != "" {
		t.Fatalf("re-armed: done %v img %v back %v cancel %v reason %q order %q",
			s.done, s.img.Visible(), s.backBtn.Visible(), s.cancelBtn.Visible(), s.reason.Text, s.order.Text)
	}
	h.waitFor("second order", func() bool { return h.fake.count() == 2 && h.term.pay != nil && h.term.pay.outTradeNo != "" })
	const url2 = "weixin://wxpay/bizpayurl?pr=Zz98Yx7"
	h.fake.emit(h.fake.last(), Update{State: StateShowingQR, CodeURL: url2, Deadline: time.Now().Add(time.Minute)})
	h.waitFor("second QR", func() bool { return s.state == StateShowingQR })
	if s.codeURL != url2 || !s.img.Visible() || s.cancelBtn.Disabled() {
		t.Errorf("second QR: url %q visible %v cancel disabled %v", s.codeURL, s.img.Visible(), s.cancelBtn.Disabled())
	}
}

// TestQRNewAfterExpiry: an expired or closed QR offers a new code for the
// same sale — F2 or the button — as a fresh Native order, not the old one.
func TestQRNewAfterExpiry(t *testing.T) {
	tests := []struct {
		name  string
		again func(h *harness, s *qrScreen)
	}{
		{"F2", func(h *harness, _ *qrScreen) { h.key(fyne.KeyF2) }},
		{"button", func(_ *harness, s *qrScreen) { test.Tap(s.newBtn) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			s, no := startQR(t, h, "12.34", time.Minute)
			if s.newBtn.Visible() {
				t.Fatal("new QR offered while the first one is live")
			}
			h.key(fyne.KeyF2) // not while a code is live
			if h.fake.count() != 1 {
				t.Fatalf("F2 on a live QR made order %d", h.fake.count())
			}
			h.fake.emit(no, Update{State: StateClosed, Reason: ReasonExpired})
			h.waitFor("expired", func() bool { return s.done })
			if s.reason.Text != zh(msgQRExpired) || strings.Contains(s.reason.Text, "订单已关闭") || !s.newBtn.Visible() {
				t.Fatalf("expired: %q, new QR button visible %v", s.reason.Text, s.newBtn.Visible())
			}
			tt.again(h, s)
			h.waitFor("second order", func() bool { return h.fake.count() == 2 && h.term.pay != nil && h.term.pay.outTradeNo != "" })
			last := h.fake.last()
			h.fake.mu.Lock()
			second := h.fake.sales[last]
			h.fake.mu.Unlock()
			if last == no || second.TotalFen != 1234 {
				t.Fatalf("new order %s for %d fen, want a new number for 1234", last, second.TotalFen)
			}
			if s.done || s.newBtn.Visible() || s.reason.Text != "" {
				t.Errorf("re-armed: done %v new %v reason %q", s.done, s.newBtn.Visible(), s.reason.Text)
			}
		})
	}
}

// TestSaleHintColour: the "key an amount first" warning is red, and Esc
// puts the hint back in the normal colour, not just the normal text.
func TestSaleHintColour(t *testing.T) {
	h := newHarness(t)
	s := screenAs[*saleScreen](h)
	colour := func() fyne.ThemeColorName {
		rt := test.WidgetRenderer(s.hint).Objects()[0].(*widget.RichText)
		return rt.Segments[0].(*widget.TextSegment).Style.ColorName
	}
	h.key(fyne.KeyF1)
	if s.hint.Text != zh(msgSaleNoAmount) || colour() != theme.ColorNameError {
		t.Fatalf("warning %q in %q", s.hint.Text, colour())
	}
	h.key(fyne.KeyEscape)
	if s.hint.Text != zh(msgSaleHint) || colour() != theme.ColorNameForeground {
		t.Errorf("after Esc: %q in %q", s.hint.Text, colour())
	}
}

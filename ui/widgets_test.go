package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestKeypadTaps(t *testing.T) {
	test.NewTempApp(t)
	var in amountInput
	k := NewKeypad(func(key string) { in.Press(key) })
	test.NewTempWindow(t, k)
	for _, key := range []string{"1", "2", ".", "5", "0", "\b", "7"} {
		test.Tap(k.Button(key))
	}
	if got := in.Fen(); got != 1257 {
		t.Errorf("keyed %q = %d fen, want 1257", in.Text(), got)
	}
}

func TestAmountDisplay(t *testing.T) {
	test.NewTempApp(t)
	a := NewAmountDisplay("x")
	test.NewTempWindow(t, a)
	a.SetFen(8800)
	if a.Text() != "¥88.00" || a.Fen() != 8800 {
		t.Errorf("shows %q (%d)", a.Text(), a.Fen())
	}
}

func TestStatusBar(t *testing.T) {
	tests := []struct {
		name       string
		lang       Lang
		st         Status
		wantNet    string
		wantScan   string
		wantPend   string
		wantBanner bool
	}{
		{"all well, live", LangZH, Status{NetworkOK: true, ScannerConnected: true}, "网络正常", "扫码枪已连接", "待处理 0", false},
		{"failing, training", LangZH, Status{Pending: 2, Training: true}, "网络故障", "扫码枪未连接", "待处理 2", true},
		{"english", LangEN, Status{NetworkOK: true, Training: true}, "Network OK", "Scanner not connected", "Pending 0", true},
		{"keyboard-wedge scanner", LangZH, Status{NetworkOK: true, KeyboardScanner: true}, "网络正常", "键盘扫码枪", "待处理 0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			test.NewTempApp(t)
			s := newStatusBar(newCatalog(tt.lang), Status{})
			test.NewTempWindow(t, s)
			s.SetStatus(tt.st)
			if s.net.Text != tt.wantNet || s.scan.Text != tt.wantScan || s.pending.Text != tt.wantPend {
				t.Errorf("bar = %q / %q / %q", s.net.Text, s.scan.Text, s.pending.Text)
			}
			if s.TrainingBannerVisible() != tt.wantBanner {
				t.Errorf("banner visible = %v, want %v", s.TrainingBannerVisible(), tt.wantBanner)
			}
			if tt.wantBanner && s.bannerText.Text != newCatalog(tt.lang).T(msgStatusTraining) {
				t.Errorf("banner text %q", s.bannerText.Text)
			}
		})
	}
}

package escpos

import (
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// TestPageQR is the content of the QR code on the test page.
const TestPageQR = "wxpos print test"

// TestPage lays out the page `wxpos print test` prints: Chinese and English
// text, a column ruler to check the paper width, each style and alignment,
// a QR code, then the cut.
func TestPage(p Paper, target Target, now time.Time) receipt.Doc {
	cols := p.Columns()
	if cols == 0 {
		cols = Paper58.Columns()
	}
	var lines []receipt.DocLine
	add := func(text string, a receipt.Align, s receipt.Style) {
		w := cols
		if s.Has(receipt.Wide) {
			w /= 2
		}
		for _, part := range receipt.Wrap(text, w) {
			lines = append(lines, receipt.DocLine{Text: part, Align: a, Style: s})
		}
	}
	kv := func(k, v string) {
		if pad := cols - receipt.StringWidth(k) - receipt.StringWidth(v); pad > 0 {
			add(k+strings.Repeat(" ", pad)+v, receipt.AlignLeft, 0)
			return
		}
		add(k, receipt.AlignLeft, 0)
		add(v, receipt.AlignRight, 0)
	}
	rule := func() { add(strings.Repeat("-", cols), receipt.AlignLeft, 0) }
	ruler := strings.Repeat("1234567890", cols/10+1)[:cols]

	add("打印测试", receipt.AlignCenter, receipt.Bold|receipt.Wide|receipt.Tall)
	add("wxpos printer test page", receipt.AlignCenter, 0)
	rule()
	kv("打印机 Printer", target.String())
	kv("纸宽 Paper", p.String()+" / "+strconv.Itoa(cols)+" 列")
	kv("时间 Time", tz.Stamp(now))
	rule()
	add(ruler, receipt.AlignLeft, 0)
	add("中文：微信支付 收款成功 ￥12.34", receipt.AlignLeft, 0)
	add("English: The quick brown fox jumps over the lazy dog 0123456789", receipt.AlignLeft, 0)
	add("粗体 Bold", receipt.AlignLeft, receipt.Bold)
	add("倍高 Double height", receipt.AlignLeft, receipt.Tall)
	add("倍宽高 Double", receipt.AlignLeft, receipt.Wide|receipt.Tall)
	add("左对齐 left", receipt.AlignLeft, 0)
	add("居中 center", receipt.AlignCenter, 0)
	add("右对齐 right", receipt.AlignRight, 0)
	rule()
	lines = append(lines, receipt.DocLine{QR: TestPageQR, Align: receipt.AlignCenter})
	add("扫码应显示 / scan shows: "+TestPageQR, receipt.AlignCenter, 0)
	add("此页完整且已切纸即打印机设置正确", receipt.AlignCenter, 0)
	add("All of this page printed and cut: the printer is set up.", receipt.AlignCenter, 0)
	return receipt.Doc{Cols: cols, Lines: lines}
}

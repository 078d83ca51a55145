package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/scanner"
)

// managerSettings edits the terminal configuration: merchant mode
// (training/v3/v2) and ids, the key files (checked on import: key matches
// the serial, certificate dates, APIv3 key length), the scanner port with a
// live test field, the printer, and the language. Saving validates the
// whole file as loading would, writes it atomically and audits which
// settings changed.
type managerSettings struct {
	c  *console
	by string

	mode                      *keyRadio
	storeID, storeName, term  *keyEntry
	appID, mchID, serial      *keyEntry
	keyFile, v3KeyFile, pubID *keyEntry
	pubFile, apiKeyFile       *keyEntry
	certFile, clientKey       *keyEntry
	port, baud                *keyEntry
	scanTest                  *keyEntry
	scanResult                *widget.Label
	printer                   *keyEntry
	width                     *keyRadio
	lang                      *keyRadio
	findings                  *fyne.Container
	message                   *widget.Label
	form                      *widget.Form
	body                      *fyne.Container   // laid out again when an error comes or goes
	scroll                    *container.Scroll // body, which takes the new height
	ctx                       context.Context

	// errs is the error line under each field, in the error colour;
	// fields is each field with its line, as the forms hold it.
	errs   map[*keyEntry]*widget.Label
	fields map[*keyEntry]*fyne.Container
}

// settingFields is which field of the screen a configuration field is, and
// what to say under it when the configuration's checks refuse it. A field
// not here is not on the screen (it is said on the message line).
func (s *managerSettings) settingFields() map[string]struct {
	e *keyEntry
	m msg
} {
	type f = struct {
		e *keyEntry
		m msg
	}
	return map[string]f{
		"store.id": {s.storeID, msgSetErrID}, "store.terminal_id": {s.term, msgSetErrID},
		"wechat.appid": {s.appID, msgSetErrAppID}, "wechat.mchid": {s.mchID, msgSetErrMchID},
		"wechat.merchant_serial_no":        {s.serial, msgSetErrRequired},
		"wechat.merchant_private_key_file": {s.keyFile, msgSetErrRequired},
		"wechat.apiv3_key_file":            {s.v3KeyFile, msgSetErrRequired},
		"wechat.platform_public_key_id":    {s.pubID, msgSetErrPubKey},
		"wechat.api_key_file":              {s.apiKeyFile, msgSetErrRequired},
		"wechat.client_cert_file":          {s.certFile, msgSetErrClientCert},
		"scanner.baud":                     {s.baud, msgSetErrBaud},
		"printer.target":                   {s.printer, msgSetErrPrinter},
	}
}

// field is entry e with its error line under it.
func (s *managerSettings) field(e *keyEntry) *fyne.Container {
	if c, ok := s.fields[e]; ok {
		return c
	}
	l := newFieldError()
	s.errs[e] = l
	c := container.NewVBox(e, l)
	s.fields[e] = c
	return c
}

// fieldError shows text under e's field.
func (s *managerSettings) fieldError(e *keyEntry, text string) {
	s.field(e)
	l := s.errs[e]
	was := l.Visible()
	setLine(s.body, l, text)
	if was != l.Visible() && s.scroll != nil {
		s.scroll.Refresh()
	}
}

// clearErrors takes every error line and the message away.
func (s *managerSettings) clearErrors() {
	for e := range s.errs {
		s.fieldError(e, "")
	}
	s.say(widget.MediumImportance, "")
}

// say puts text on the message line at the bottom, in the colour of imp.
func (s *managerSettings) say(imp widget.Importance, text string) {
	s.message.Importance = imp
	s.message.SetText(text)
}

// refused shows each problem the configuration's checks found under its
// field, those of fields not on the screen on the message line.
func (s *managerSettings) refused(err error) {
	t := s.c.t
	fields := s.settingFields()
	var elsewhere []string
	for _, fe := range configFieldErrors(err) {
		if f, ok := fields[fe.Field]; ok {
			s.fieldError(f.e, t.cat.T(f.m))
			continue
		}
		elsewhere = append(elsewhere, t.cat.T(msgSetErrOther, fe.Field))
	}
	if len(elsewhere) == 0 {
		elsewhere = []string{t.cat.T(msgSetNotSaved)}
	}
	s.say(widget.DangerImportance, strings.Join(elsewhere, "\n"))
}

// configFieldErrors lists every *config.FieldError in err's tree (a
// refused configuration joins one per problem).
func configFieldErrors(err error) []*config.FieldError {
	var out []*config.FieldError
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*config.FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			if e := u.Unwrap(); e != nil {
				walk(e)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

func newManagerSettings(c *console, by string) *managerSettings {
	t := c.t
	cfg := c.m.Settings()
	e := func(v, placeholder string) *keyEntry {
		w := newKeyEntry(t)
		w.SetText(v)
		w.SetPlaceHolder(placeholder)
		return w
	}
	w := cfg.WeChat
	s := &managerSettings{c: c, by: by, ctx: t.ctx,
		storeID: e(cfg.Store.ID, "S1"), storeName: e(cfg.Store.Name, ""), term: e(cfg.Store.TerminalID, "T1"),
		appID: e(w.AppID, "wx…"), mchID: e(w.MchID, "1900000001"), serial: e(w.MerchantSerialNo, ""),
		keyFile: e(w.MerchantPrivateKeyFile, "apiclient_key.pem"), v3KeyFile: e(w.APIv3KeyFile, "apiv3.key"),
		pubID: e(w.PlatformPublicKeyID, "PUB_KEY_ID_…"), pubFile: e(w.PlatformPublicKeyFile, "pub_key.pem"),
		apiKeyFile: e(w.APIKeyFile, "api.key"), certFile: e(w.ClientCertFile, "apiclient_cert.pem"), clientKey: e(w.ClientKeyFile, "apiclient_key.pem"),
		port: e(cfg.Scanner.Port, "/dev/ttyUSB0"), baud: e(strconv.Itoa(cfg.Scanner.Baud), "9600"),
		scanTest: newKeyPasswordEntry(t), scanResult: widget.NewLabel(""), printer: e(cfg.Printer.Target, "usb:/dev/usb/lp0"),
		findings: container.NewVBox(), message: widget.NewLabel(""),
		errs: map[*keyEntry]*widget.Label{}, fields: map[*keyEntry]*fyne.Container{},
	}
	s.message.Wrapping = fyne.TextWrapWord
	s.scanTest.SetPlaceHolder(t.mt(msgSetScanTestHint))
	// A keyboard-wedge scanner types the code and Enter: judge it, then
	// clear the field so the code does not stay on screen.
	s.scanTest.OnChanged = func(v string) {
		if v != "" {
			s.testScan(v)
		}
	}
	s.scanTest.OnSubmitted = func(v string) { s.testScan(v); s.scanTest.SetText("") }
	modes := []string{t.mt(msgSetModeTraining), t.mt(msgSetModeV3), t.mt(msgSetModeV2)}
	s.mode = newRadio(modes, func(string) { s.showMode() })
	s.mode.Horizontal = true
	switch w.Mode {
	case config.ModeV3:
		s.mode.SetSelected(modes[1])
	case config.ModeV2:
		s.mode.SetSelected(modes[2])
	default:
		s.mode.SetSelected(modes[0])
	}
	s.width = newRadio([]string{"58 mm", "80 mm"}, nil)
	s.width.Horizontal = true
	s.width.SetSelected(strconv.Itoa(cfg.Printer.Width) + " mm")
	s.lang = newRadio([]string{t.cat.T(msgLangZH), t.cat.T(msgLangEN)}, nil)
	s.lang.Horizontal = true
	if t.Language() == LangEN {
		s.lang.SetSelected(t.cat.T(msgLangEN))
	} else {
		s.lang.SetSelected(t.cat.T(msgLangZH))
	}
	return s
}

func (s *managerSettings) selectedMode() config.Mode {
	switch s.mode.Selected {
	case s.c.t.mt(msgSetModeV3):
		return config.ModeV3
	case s.c.t.mt(msgSetModeV2):
		return config.ModeV2
	}
	return config.ModeSandbox
}

func (s *managerSettings) showMode() {
	if s.form == nil {
		return
	}
	t := s.c.t
	fi := func(label string, e *keyEntry) *widget.FormItem { return widget.NewFormItem(label, s.field(e)) }
	items := []*widget.FormItem{fi(t.mt(msgSetStoreID), s.storeID), fi(t.mt(msgSetStoreName), s.storeName), fi(t.mt(msgSetTerminal), s.term)}
	switch s.selectedMode() {
	case config.ModeV3:
		items = append(items, fi("AppID", s.appID), fi(t.mt(msgSetMchID), s.mchID),
			fi(t.mt(msgSetSerial), s.serial), fi(t.mt(msgSetKeyFile), s.keyFile), fi(t.mt(msgSetV3Key), s.v3KeyFile),
			fi(t.mt(msgSetPubID), s.pubID), fi(t.mt(msgSetPubFile), s.pubFile))
	case config.ModeV2:
		items = append(items, fi("AppID", s.appID), fi(t.mt(msgSetMchID), s.mchID),
			fi(t.mt(msgSetAPIKey), s.apiKeyFile), fi(t.mt(msgSetCertFile), s.certFile), fi(t.mt(msgSetClientKey), s.clientKey))
	}
	s.form.Items = items
	s.form.Refresh()
}

func (s *managerSettings) view() fyne.CanvasObject {
	t := s.c.t
	fi := widget.NewFormItem
	s.form = widget.NewForm()
	s.showMode()
	check := newIconButton(t.mt(msgSetCheckKeys), theme.ConfirmIcon(), s.checkKeys)
	merchant := widget.NewCard(t.mt(msgSetMerchant), "", container.NewVBox(s.mode, s.form, check, s.findings))
	testPrint := newIconButton(t.mt(msgSetTestPrint), theme.DocumentPrintIcon(), s.testPrint)
	devices := widget.NewCard(t.mt(msgSetDevices), "", container.NewVBox(widget.NewForm(
		fi(t.mt(msgSetPort), s.port), fi(t.mt(msgSetBaud), s.field(s.baud)), fi(t.mt(msgSetScanTest), s.scanTest)), s.scanResult,
		widget.NewForm(fi(t.mt(msgSetPrinter), s.field(s.printer)), fi(t.mt(msgSetWidth), s.width)), testPrint))
	lang := widget.NewCard(t.cat.T(msgSettingsLanguage), "", s.lang)
	save := newIconButton(t.mt(msgSetSave), theme.DocumentSaveIcon(), s.save)
	save.Importance = widget.HighImportance
	back := newIconButton(t.cat.T(msgCommonBack), theme.NavigateBackIcon(), func() { t.show(newManagerHome(s.c)) })
	s.body = container.NewGridWithColumns(2, merchant, container.NewVBox(devices, lang))
	s.scroll = container.NewVScroll(s.body)
	return container.NewPadded(container.NewBorder(heading(t.mt(msgMgrSettings)),
		container.NewBorder(nil, nil, back, save, s.message), nil, nil, s.scroll))
}

func (s *managerSettings) start(ctx context.Context) { s.ctx = ctx }

// candidate is the configuration as edited.
func (s *managerSettings) candidate() config.Config {
	c := s.c.m.Settings()
	tr := strings.TrimSpace
	c.Store.ID, c.Store.Name, c.Store.TerminalID = tr(s.storeID.Text), tr(s.storeName.Text), tr(s.term.Text)
	w := &c.WeChat
	w.Mode = s.selectedMode()
	w.AppID, w.MchID, w.MerchantSerialNo = tr(s.appID.Text), tr(s.mchID.Text), strings.ToUpper(tr(s.serial.Text))
	w.MerchantPrivateKeyFile, w.APIv3KeyFile = tr(s.keyFile.Text), tr(s.v3KeyFile.Text)
	w.PlatformPublicKeyID, w.PlatformPublicKeyFile = tr(s.pubID.Text), tr(s.pubFile.Text)
	w.APIKeyFile, w.ClientCertFile, w.ClientKeyFile = tr(s.apiKeyFile.Text), tr(s.certFile.Text), tr(s.clientKey.Text)
	if w.Mode != config.ModeSandbox {
		if w.BaseURL == "" {
			w.BaseURL = "https://api.mch.weixin.qq.com"
		}
		if w.BackupURL == "" {
			w.BackupURL = "https://api2.mch.weixin.qq.com"
		}
	}
	c.Scanner.Port = tr(s.port.Text)
	if b, err := strconv.Atoi(tr(s.baud.Text)); err == nil {
		c.Scanner.Baud = b
	}
	c.Printer.Target = tr(s.printer.Text)
	if c.Printer.Target == "" {
		c.Printer.Target = "none"
	}
	c.Printer.Width = 58
	if s.width.Selected == "80 mm" {
		c.Printer.Width = 80
	}
	c.UI.Locale = string(LangZH)
	if s.lang.Selected == s.c.t.cat.T(msgLangEN) {
		c.UI.Locale = string(LangEN)
	}
	return c
}

// checkKeys runs the same checks as wxpos doctor on the key files entered.
func (s *managerSettings) checkKeys() {
	c, t := s.c, s.c.t
	w := s.candidate().WeChat
	s.findings.Objects = []fyne.CanvasObject{widget.NewLabel(t.mt(msgMgrChecking))}
	s.findings.Refresh()
	t.async(s.ctx, func(context.Context) func() {
		fs := c.m.CheckKeys(w)
		return func() { s.showFindings(fs) }
	})
}

func (s *managerSettings) showFindings(fs []KeyFinding) {
	t := s.c.t
	s.findings.Objects = nil
	for _, f := range fs {
		line := canvas.NewText(f.Level+"  "+f.Topic+": "+f.Detail, levelColor(f.Level))
		line.TextSize = theme.CaptionTextSize() + 1
		s.findings.Add(line)
		if f.Fix != "" && f.Level != "OK" {
			fix := widget.NewLabel("→ " + f.Fix)
			fix.Wrapping = fyne.TextWrapWord
			s.findings.Add(fix)
		}
	}
	if len(fs) == 0 {
		s.findings.Add(widget.NewLabel(t.mt(msgSetNoChecks)))
	}
	s.findings.Refresh()
}

// testScan shows whether what the scanner typed is a WeChat payment code,
// masking all but the last four digits.
func (s *managerSettings) testScan(v string) {
	t := s.c.t
	v = strings.TrimSpace(v)
	if v == "" {
		s.scanResult.SetText("")
		return
	}
	masked := v
	if len(v) > 4 {
		masked = strings.Repeat("•", len(v)-4) + v[len(v)-4:]
	}
	if err := scanner.CheckPaymentCode(v); err != nil {
		s.scanResult.Importance = widget.WarningImportance
		s.scanResult.SetText(t.mt(msgSetScanBad, masked, len(v)))
		return
	}
	s.scanResult.Importance = widget.SuccessImportance
	s.scanResult.SetText(t.mt(msgSetScanOK, masked))
}

// scanned receives codes from the serial scanner while the screen is open.
func (s *managerSettings) scanned(code string) { s.testScan(code) }

// notACode judges a wedge scan that is not a payment code, wherever focus is.
func (s *managerSettings) notACode(text string) { s.testScan(text) }

func (s *managerSettings) testPrint() {
	t := s.c.t
	if t.opt.printer == nil {
		s.message.SetText(t.cat.T(msgReceiptNoPrint))
		return
	}
	r := testReceipt(s.c.m.Settings())
	s.fieldError(s.printer, "")
	t.async(s.ctx, func(ctx context.Context) func() {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		err := t.opt.printer.Print(ctx, r, false)
		return func() {
			if err != nil {
				s.fieldError(s.printer, t.errorTextOr(msgReceiptPrintErr, err))
				return
			}
			s.say(widget.MediumImportance, t.cat.T(msgReceiptPrinted))
		}
	})
}

func (s *managerSettings) save() {
	c, t := s.c, s.c.t
	s.clearErrors()
	if _, err := strconv.Atoi(strings.TrimSpace(s.baud.Text)); err != nil {
		s.fieldError(s.baud, t.cat.T(msgSetErrBaud))
		s.say(widget.DangerImportance, t.cat.T(msgSetNotSaved))
		return
	}
	cand := s.candidate()
	by := s.by
	t.async(s.ctx, func(ctx context.Context) func() {
		err := c.m.SaveSettings(ctx, cand, by)
		return func() {
			if errors.Is(err, ErrSettingsInvalid) {
				s.refused(err)
				return
			}
			if err != nil {
				s.say(widget.DangerImportance, c.errText(err))
				return
			}
			s.say(widget.SuccessImportance, t.mt(msgSetSaved))
			if Lang(cand.UI.Locale) != t.Language() {
				t.SetLanguage(Lang(cand.UI.Locale))
				t.show(newManagerSettings(c, by))
			}
		}
	})
}

func (s *managerSettings) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.c.t.show(newManagerHome(s.c))
	}
}

// testReceipt is the training receipt the test-print button prints.
func testReceipt(c config.Config) receipt.Receipt {
	return receipt.Receipt{No: "TEST", Kind: receipt.KindSale, StoreName: c.Store.Name, StoreID: c.Store.ID,
		TerminalID: c.Store.TerminalID, Time: time.Now(), TotalFen: 1, Tender: receipt.TenderCash, Training: true,
		Lines: []receipt.Line{{Name: "test", Qty: 1, UnitFen: 1, TotalFen: 1}}}
}

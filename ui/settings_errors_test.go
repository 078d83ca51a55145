package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/counter"
)

// TestSettingsErrorsAtTheField: every setting the configuration's checks
// refuse is said under its own field, in the catalogue's words and the
// error colour; the message line only says that nothing was saved. A baud
// rate that is not a number never reaches the checks; a good save clears
// every line.
func TestSettingsErrorsAtTheField(t *testing.T) {
	w := newMgrWorld(t)
	cfg := w.cfg
	cfg.Config.Path = filepath.Join(t.TempDir(), "config.toml")
	h := newHarness(t, WithLanguage(LangEN))
	c := &console{t: h.term, m: counter.NewManager(cfg)}
	h.term.show(newManagerSettings(c, "Wang"))
	s := screenAs[*managerSettings](h)
	tt := h.term

	// want is what each field must say; the others must say nothing.
	check := func(what string, want map[*keyEntry]string, message string, imp widget.Importance) {
		t.Helper()
		h.waitFor(what, func() bool { return s.message.Text != "" })
		for e, l := range s.errs {
			if w := want[e]; l.Text != w || l.Visible() != (w != "") || (w != "" && l.Importance != widget.DangerImportance) {
				t.Errorf("%s: field %q says %q (shown %v), want %q", what, e.Text, l.Text, l.Visible(), w)
			}
		}
		for e, f := range s.fields {
			if got, need := f.Size().Height, f.MinSize().Height; f.Visible() && got < need {
				t.Errorf("%s: field %q was not laid out again: %.0f px high, needs %.0f", what, e.Text, got, need)
			}
		}
		for e := range want {
			if _, ok := s.errs[e]; !ok {
				t.Errorf("%s: field %q has no error line", what, e.Text)
			}
		}
		if s.message.Text != message || s.message.Importance != imp {
			t.Errorf("%s: message %q (importance %v), want %q", what, s.message.Text, s.message.Importance, message)
		}
	}

	s.mode.SetSelected(tt.mt(msgSetModeV3))
	s.storeID.SetText("S 1!")
	s.appID.SetText("wxNOTHEX")
	s.mchID.SetText("12")
	s.pubID.SetText("KEY_1")
	s.pubFile.SetText("pub.pem")
	s.save()
	required := tt.cat.T(msgSetErrRequired)
	check("refused v3 settings", map[*keyEntry]string{
		s.storeID: tt.cat.T(msgSetErrID), s.appID: tt.cat.T(msgSetErrAppID), s.mchID: tt.cat.T(msgSetErrMchID),
		s.serial: required, s.keyFile: required, s.v3KeyFile: required, s.pubID: tt.cat.T(msgSetErrPubKey),
	}, tt.cat.T(msgSetNotSaved), widget.DangerImportance)

	s.mode.SetSelected(tt.mt(msgSetModeTraining))
	s.storeID.SetText("S1")
	s.baud.SetText("fast")
	s.message.SetText("")
	s.save()
	check("a baud rate that is no number", map[*keyEntry]string{s.baud: tt.cat.T(msgSetErrBaud)}, tt.cat.T(msgSetNotSaved), widget.DangerImportance)

	s.baud.SetText("9600")
	s.message.SetText("")
	s.save()
	check("saved", nil, tt.mt(msgSetSaved), widget.SuccessImportance)
}

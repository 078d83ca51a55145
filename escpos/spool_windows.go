//go:build windows

package escpos

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// A USB printer on Windows has no device file to open: its driver sits
// behind the print spooler. A RAW job hands our ESC/POS bytes to the port
// untouched (the Generic / Text Only driver or the vendor's both accept
// RAW), so the spooler is the one way that works with any driver. x/sys has
// no winspool bindings, hence the few procs below.
var (
	winspool             = windows.NewLazySystemDLL("winspool.drv")
	procOpenPrinter      = winspool.NewProc("OpenPrinterW")
	procClosePrinter     = winspool.NewProc("ClosePrinter")
	procStartDocPrinter  = winspool.NewProc("StartDocPrinterW")
	procEndDocPrinter    = winspool.NewProc("EndDocPrinter")
	procStartPagePrinter = winspool.NewProc("StartPagePrinter")
	procEndPagePrinter   = winspool.NewProc("EndPagePrinter")
	procWritePrinter     = winspool.NewProc("WritePrinter")
)

// docInfo1 is DOC_INFO_1W.
type docInfo1 struct {
	docName    *uint16
	outputFile *uint16
	datatype   *uint16
}

// spoolJob is one RAW document: Write adds to it, Close ends and releases
// it. The spooler gives no status bytes back, so Read reports EOF and a
// status check counts as "no answer" (printed anyway).
type spoolJob struct {
	name string
	mu   sync.Mutex
	h    windows.Handle
	done bool
}

// openSpool starts a RAW document on the printer called name (as in
// Settings → Printers).
func openSpool(name string) (conn, error) {
	if err := winspool.Load(); err != nil {
		return nil, &PrintError{Target: "spool:" + name, Op: "open", Kind: ErrIO, Cause: err}
	}
	pname, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, &PrintError{Target: "spool:" + name, Op: "open", Kind: ErrInvalidArgument, Cause: err}
	}
	var h windows.Handle
	if r, _, e := procOpenPrinter.Call(uintptr(unsafe.Pointer(pname)), uintptr(unsafe.Pointer(&h)), 0); r == 0 {
		return nil, spoolError(name, "open", e)
	}
	di := docInfo1{docName: windows.StringToUTF16Ptr("wxpos receipt"), datatype: windows.StringToUTF16Ptr("RAW")}
	if r, _, e := procStartDocPrinter.Call(uintptr(h), 1, uintptr(unsafe.Pointer(&di))); r == 0 {
		procClosePrinter.Call(uintptr(h))
		return nil, spoolError(name, "open", e)
	}
	if r, _, e := procStartPagePrinter.Call(uintptr(h)); r == 0 {
		procEndDocPrinter.Call(uintptr(h))
		procClosePrinter.Call(uintptr(h))
		return nil, spoolError(name, "open", e)
	}
	return &spoolJob{name: name, h: h}, nil
}

func (j *spoolJob) Write(p []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.done {
		return 0, &PrintError{Target: "spool:" + j.name, Op: "write", Kind: ErrOffline, Cause: errors.New("job closed")}
	}
	total := 0
	for total < len(p) {
		var n uint32
		r, _, e := procWritePrinter.Call(uintptr(j.h), uintptr(unsafe.Pointer(&p[total])), uintptr(len(p)-total), uintptr(unsafe.Pointer(&n)))
		if r == 0 {
			return total, spoolError(j.name, "write", e)
		}
		if n == 0 {
			return total, &PrintError{Target: "spool:" + j.name, Op: "write", Kind: ErrIO, Cause: io.ErrShortWrite}
		}
		total += int(n)
	}
	return total, nil
}

func (j *spoolJob) Read([]byte) (int, error) { return 0, io.EOF }

// Close ends the page and the document, which lets the spooler send it.
func (j *spoolJob) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.done {
		return nil
	}
	j.done = true
	var err error
	if r, _, e := procEndPagePrinter.Call(uintptr(j.h)); r == 0 {
		err = spoolError(j.name, "close", e)
	}
	if r, _, e := procEndDocPrinter.Call(uintptr(j.h)); r == 0 && err == nil {
		err = spoolError(j.name, "close", e)
	}
	procClosePrinter.Call(uintptr(j.h))
	return err
}

// spoolError names the kind of a spooler failure: an unknown printer name
// is offline (as a missing device file is), a denied one a permission
// problem.
func spoolError(name, op string, e error) error {
	kind := ErrIO
	switch {
	case errors.Is(e, windows.ERROR_INVALID_PRINTER_NAME), errors.Is(e, windows.ERROR_FILE_NOT_FOUND):
		kind = ErrOffline
	case errors.Is(e, windows.ERROR_ACCESS_DENIED):
		kind = ErrPermission
	}
	return &PrintError{Target: "spool:" + name, Op: op, Kind: kind, Cause: fmt.Errorf("winspool: %w", e)}
}

package counter

import (
	"github.com/wxpos/wxpos/replica"
	"github.com/wxpos/wxpos/ui/view"
)

// CatalogStatus is the catalogue puller's status as the window's status
// bar needs it.
func CatalogStatus(s replica.CatalogStatus) view.CatalogStatus {
	return view.CatalogStatus{Version: s.Version, LastOK: s.LastOK, Err: s.Err, FailingFrom: s.FailingFrom}
}

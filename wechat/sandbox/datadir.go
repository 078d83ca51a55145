package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// DataFiles are the files that make up the simulator's state in
// Options.DataDir: its merchant identity and keys, and its ledger
// (ledger.db; ledger.json in a directory of an older release, converted
// when a Server opens it). A copy of those present, taken while no server
// runs on the directory, is a complete backup of the simulated merchant.
func DataFiles() []string { return []string{credentialsFile, LedgerFile, legacyLedgerFile} }

// LedgerFile is the ledger's bbolt file among DataFiles: while a server
// runs on the directory, back it up with WriteLedger, not by copying it.
const LedgerFile = ledgerDBFile

// WriteLedger writes a consistent copy of the ledger's database file to w
// from one read transaction, while requests go on: a copy of the file
// itself taken during a commit could hold half of it (new pages beside an
// old meta page). It returns the bytes written.
func (s *Server) WriteLedger(w io.Writer) (int64, error) {
	var n int64
	err := s.home.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// DataState summarises the simulator state kept in a data directory.
type DataState struct {
	MchID string // "" when the directory has no credentials
	// Seq is the ledger's identifier counter (transaction and refund ids
	// are drawn from it): of two states of one merchant, the one with the
	// higher Seq has seen more. 0 when there is no ledger.
	Seq    int64
	Orders int
}

// ReadDataState reads the state in dir without starting a server.
func ReadDataState(dir string) (DataState, error) {
	var st DataState
	data, err := os.ReadFile(filepath.Join(dir, credentialsFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return st, fmt.Errorf("sandbox: read credentials: %w", err)
	default:
		var c Credentials
		if err := json.Unmarshal(data, &c); err != nil {
			return st, fmt.Errorf("sandbox: parse %s: %w", credentialsFile, err)
		}
		st.MchID = c.MchID
	}
	if st.MchID == "" {
		return st, nil
	}
	st.Seq, st.Orders, err = readLedgerState(dir, st.MchID)
	return st, err
}

package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BackupInfo describes a backup file that CheckBackup accepted.
type BackupInfo struct {
	Schema  uint64  // schema of the file; an older one is migrated when installed
	Lineage Lineage // zero for a file written before schema 2
	Orders  int     // orders it holds
	Mode    Mode    // whose books it holds; "" when it cannot tell (no mode, no order)
	// LastActivity is the time of the backup's newest audit event: about
	// when it was taken. Zero when it has none.
	LastActivity time.Time
}

// CheckBackup confirms that path is a wxpos database this build can open —
// not truncated or damaged, not another program's file, not written by a
// newer wxpos — without writing to it. Errors wrap ErrNotDatabase,
// ErrSchemaTooNew or the file system's error.
func CheckBackup(path string) (info BackupInfo, err error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return BackupInfo{}, fmt.Errorf("backup %s: %w", path, err)
	case fi.IsDir():
		return BackupInfo{}, fmt.Errorf("backup %s: %w: it is a directory", path, ErrNotDatabase)
	case fi.Size() == 0:
		return BackupInfo{}, fmt.Errorf("backup %s: %w: the file is empty", path, ErrNotDatabase)
	}
	if err := precheck(path); err != nil {
		return BackupInfo{}, err
	}
	if err := check(path, time.Second); err != nil {
		return BackupInfo{}, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		return BackupInfo{}, openError(path, err)
	}
	defer db.Close()
	defer func() {
		// As in check: bbolt panics on some damaged pages.
		if r := recover(); r != nil {
			err = fmt.Errorf("backup %s: %w: %v", path, ErrNotDatabase, r)
		}
	}()
	err = db.View(func(tx *bolt.Tx) error {
		info.Schema = readVersion(tx)
		info.Lineage = readLineage(tx)
		if info.Schema == 0 {
			// check accepts an empty bbolt file as a database to initialise;
			// as a backup it holds nothing.
			return fmt.Errorf("backup %s: %w: an empty bbolt file", path, ErrNotDatabase)
		}
		// Open looked at the meta pages only; a backup is read whole once,
		// so a damaged page is found now rather than after the swap.
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("backup %s: %w: %v", path, ErrNotDatabase, errors.Join(errs...))
		}
		if b := tx.Bucket([]byte(BucketOrders)); b != nil {
			info.Orders = b.Stats().KeyN
		}
		if info.Mode, err = readMode(tx); err != nil {
			return fmt.Errorf("backup %s: %w: %v", path, ErrNotDatabase, err)
		}
		if b := tx.Bucket([]byte(BucketEvents)); b != nil {
			if _, v := b.Cursor().Last(); v != nil {
				var e Event
				if json.Unmarshal(v, &e) == nil {
					info.LastActivity = e.Time
				}
			}
		}
		return nil
	})
	return info, err
}

// RestoreOptions configures Restore. The zero value is usable.
type RestoreOptions struct {
	// Timeout is how long to wait for another process's lock on the live
	// database before failing with ErrLocked. Zero means one second.
	Timeout time.Duration
	// Now names the set-aside file. Nil means time.Now.
	Now func() time.Time
	// Mode, when set, is whose books the live database keeps: a backup
	// holding the other mode's books is refused with ErrModeMismatch.
	Mode Mode
	// WhileLocked, when set, runs once the backup is checked and staged,
	// while the live database is locked and before it is replaced: the
	// caller's chance to swap state that belongs with the database. An
	// error aborts the restore with nothing replaced.
	WhileLocked func() error
}

// Restored says what Restore did.
type Restored struct {
	Backup  BackupInfo
	Lineage Lineage // of the installed database: a new epoch, the next generation
	// Aside is where the replaced database now is, "" when there was none.
	// It is never deleted.
	Aside string
}

// RestoreEvent is the audit event kind Restore appends to the installed
// database.
const RestoreEvent = "db.restore"

// Restore installs the backup at src as the database at live. It checks src
// first (CheckBackup) and refuses a bad file without touching anything; it
// refuses while another process holds live (ErrLocked). The installed copy
// is migrated to this build's schema, gets a new epoch and a restore
// generation above both the backup's and the replaced database's, and an
// audit event. The replaced database is kept beside it as
// "<live>.before-restore-<UTC time>" (a damaged one too); the swap is one
// rename, so a crash leaves either the old or the new database under live.
func Restore(live, src string, opts *RestoreOptions) (*Restored, error) {
	var o RestoreOptions
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if same, err := samePath(live, src); err != nil || same {
		if err == nil {
			err = errors.New("it is the live database")
		}
		return nil, fmt.Errorf("restore %s: %w", src, err)
	}
	info, err := CheckBackup(src)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if o.Mode != "" && info.Mode != "" && info.Mode != o.Mode {
		return nil, fmt.Errorf("restore %s: %w: it holds %s books, this terminal keeps %s books", src, ErrModeMismatch, info.Mode, o.Mode)
	}

	current, exists, release, err := holdLive(live, o.Timeout)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer release()

	lin := Lineage{Epoch: newEpoch(), Generation: max(info.Lineage.Generation, current.Generation) + 1}
	tmp, err := stage(live, src, func(tx *Tx) error { return stampRestore(tx, src, info.Lineage, current, lin, o.Now()) })
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", src, err)
	}
	defer os.Remove(tmp) // no-op once renamed

	if o.WhileLocked != nil {
		if err := o.WhileLocked(); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
	}
	res := &Restored{Backup: info, Lineage: lin}
	if exists {
		res.Aside = asideName(live, o.Now())
	}
	if runtime.GOOS == "windows" {
		// Windows cannot replace a file that is open (the lock is the
		// open, mapped file itself): let go just before the swap. A wxpos
		// that opens the old file in this instant makes the rename fail
		// with the old database still in place, never a torn one.
		release()
	}
	if err := swapIn(live, tmp, res.Aside); err != nil {
		return nil, err
	}
	return res, nil
}

// holdLive takes a lock on the live database for the whole swap, so no
// wxpos is working on it (a running one holds the exclusive lock), and
// reads its lineage. Read-only, so the file set aside is exactly what it
// was. A damaged or newer file cannot be opened (nor be in use by this
// build); it exists and is set aside all the same. release drops the lock.
func holdLive(live string, timeout time.Duration) (current Lineage, exists bool, release func(), err error) {
	release = func() {}
	if _, err := os.Stat(live); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Lineage{}, false, release, nil
		}
		return Lineage{}, false, release, err
	}
	cur, err := Open(live, &Options{Timeout: timeout, ReadOnly: true})
	switch {
	case err == nil:
		cur.View(func(tx *Tx) error { current = readLineage(tx.tx); return nil })
		return current, true, sync.OnceFunc(func() { cur.Close() }), nil
	case errors.Is(err, ErrNotDatabase), errors.Is(err, ErrSchemaTooNew):
		return Lineage{}, true, release, nil
	}
	return Lineage{}, true, release, err
}

// stampRestore gives the staged copy its new lineage and the audit event
// that says where it came from.
func stampRestore(tx *Tx, src string, backup, replaced, lin Lineage, now time.Time) error {
	if err := setLineage(tx.tx, lin); err != nil {
		return err
	}
	data, err := json.Marshal(map[string]any{
		"backup_epoch": backup.Epoch, "replaced_epoch": replaced.Epoch, "generation": lin.Generation,
	})
	if err != nil {
		return err
	}
	_, err = tx.AppendEvent(Event{Time: now, Kind: RestoreEvent, Ref: lin.Epoch, Actor: "system",
		Reason: "restored from " + filepath.Base(src), Data: data})
	return err
}

// swapIn installs the staged copy tmp as live in one rename, keeping the
// replaced database as aside when there is one ("" when there is none).
func swapIn(live, tmp, aside string) error {
	renamedAside := false
	if aside != "" {
		// A hard link keeps a database under live until the rename below
		// replaces it; where links are not possible the old file moves.
		if err := os.Link(live, aside); err != nil {
			if err := os.Rename(live, aside); err != nil {
				return fmt.Errorf("restore: keeping %s aside: %w", live, err)
			}
			renamedAside = true
		}
	}
	if err := renameDurable(tmp, live); err != nil {
		if renamedAside {
			os.Rename(aside, live)
		}
		return fmt.Errorf("restore: installing %s: %w", live, err)
	}
	return nil
}

// stage copies src next to live, migrates the copy and runs fn on it in one
// transaction. It returns the copy's path.
func stage(live, src string, fn func(*Tx) error) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(live), 0o700); err != nil {
		return "", err
	}
	tmp, _, err := writeTemp(filepath.Dir(live), ".wxpos-restore-*", func(w io.Writer) (int64, error) { return io.Copy(w, in) })
	if err != nil {
		return "", err
	}
	s, err := Open(tmp, &Options{Reserve: -1}) // the live name's reserve file serves it once installed
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	err = s.Update(fn)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// asideName is where the replaced database goes: beside it, named by the
// time, with a counter if that name is taken.
func asideName(live string, now time.Time) string {
	base := live + ".before-restore-" + now.UTC().Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

func samePath(a, b string) (bool, error) {
	aa, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	bb, err := filepath.Abs(b)
	if err != nil {
		return false, err
	}
	if aa == bb {
		return true, nil
	}
	fa, errA := os.Stat(aa)
	fb, errB := os.Stat(bb)
	return errA == nil && errB == nil && os.SameFile(fa, fb), nil
}

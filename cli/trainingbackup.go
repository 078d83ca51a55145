package cli

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// A training backup is one zip file: the database as "wxpos.db" and the
// embedded simulator's files (sandbox.DataFiles) as "sandbox/<name>". The
// simulator is the training terminal's WeChat; without its ledger a
// restored terminal would meet a simulator that has forgotten its payments
// and hands out their transaction ids again. A merchant's backup stays a
// plain database file: WeChat keeps its own records.
const (
	zipDBName      = "wxpos.db"
	zipSandboxDir  = "sandbox/"
	zipMagic       = "PK\x03\x04"
	restoreSetAway = ".before-restore-"
)

// trainingSandboxDir is where the embedded training simulator keeps its
// state, "" when this environment runs none (a merchant, or an external
// sandbox given by a profile).
func (e *Env) trainingSandboxDir() string {
	w := e.Config.WeChat
	if w.Mode != config.ModeSandbox || w.SandboxProfile != "" {
		return ""
	}
	return filepath.Join(e.DataDir, "sandbox")
}

// writeTrainingBackup writes the zip to dst atomically (temporary file,
// synced, renamed) and returns its size. live is the simulator this
// process runs on sandboxDir, nil if none: its ledger is copied from a
// read transaction, since a payment may commit while the backup runs.
func writeTrainingBackup(s *storage.Store, sandboxDir string, live *sandbox.Server, dst string) (int64, error) {
	if same, _ := sameFile(dst, s.Path()); same {
		return 0, fmt.Errorf("backup %s: refusing to overwrite the live database", dst)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), ".wxpos-backup-*")
	if err != nil {
		return 0, fmt.Errorf("backup %s: %w", dst, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	err = func() error {
		zw := zip.NewWriter(f)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zipDBName, Method: zip.Deflate, Modified: time.Now()})
		if err != nil {
			return err
		}
		if _, err := s.Backup(w); err != nil {
			return err
		}
		for _, name := range sandbox.DataFiles() {
			if name == sandbox.LedgerFile && live != nil {
				w, err := zw.CreateHeader(&zip.FileHeader{Name: zipSandboxDir + name, Method: zip.Deflate, Modified: time.Now()})
				if err != nil {
					return err
				}
				if _, err := live.WriteLedger(w); err != nil {
					return err
				}
				continue
			}
			data, err := os.ReadFile(filepath.Join(sandboxDir, name))
			if errors.Is(err, os.ErrNotExist) {
				continue // a simulator that has not run yet
			}
			if err != nil {
				return err
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: zipSandboxDir + name, Method: zip.Deflate, Modified: time.Now()})
			if err != nil {
				return err
			}
			if _, err := w.Write(data); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		return f.Sync()
	}()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		return 0, fmt.Errorf("backup %s: %w", dst, err)
	}
	fi, err := os.Stat(dst)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// isZip reports whether the file at p starts like a zip archive.
func isZip(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(zipMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil // shorter than a zip header: let the database check say what it is
	}
	return bytes.Equal(head, []byte(zipMagic)), nil
}

// unpackTrainingBackup extracts a training backup into dir: dir/wxpos.db
// and dir/sandbox/<name>. Only the names a training backup holds are
// accepted.
func unpackTrainingBackup(src, dir string) (db, sandboxDir string, err error) {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w: %v", src, storage.ErrNotDatabase, err)
	}
	defer zr.Close()
	allowed := map[string]bool{zipDBName: true}
	for _, n := range sandbox.DataFiles() {
		allowed[zipSandboxDir+n] = true
	}
	sandboxDir = filepath.Join(dir, "sandbox")
	if err := os.MkdirAll(sandboxDir, 0o700); err != nil {
		return "", "", err
	}
	for _, zf := range zr.File {
		if !allowed[zf.Name] {
			return "", "", fmt.Errorf("%s: %w: unexpected entry %q (a training backup holds %s and the simulator's files)", src, storage.ErrNotDatabase, zf.Name, zipDBName)
		}
		if err := extract(zf, filepath.Join(dir, filepath.FromSlash(path.Clean(zf.Name)))); err != nil {
			return "", "", fmt.Errorf("%s: %s: %w", src, zf.Name, err)
		}
		if zf.Name == zipDBName {
			db = filepath.Join(dir, zipDBName)
		}
	}
	if db == "" {
		return "", "", fmt.Errorf("%s: %w: the zip holds no %s", src, storage.ErrNotDatabase, zipDBName)
	}
	return db, sandboxDir, nil
}

func extract(zf *zip.File, dst string) error {
	r, err := zf.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r) // the zip reader checks each entry's CRC at its end
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// installSandboxState puts the backup's simulator state (in from) in place
// of the one in cur, unless cur is the same simulated merchant and has
// seen at least as much: WeChat never forgets a payment, so neither does
// the simulator, and a simulator whose counter went back would hand out
// transaction ids again. A state that is replaced is renamed aside, never
// deleted. It returns a sentence for the user.
func installSandboxState(cur, from string, now time.Time) (string, error) {
	b, err := sandbox.ReadDataState(from)
	if err != nil {
		return "", fmt.Errorf("the backup's training simulator: %w", err)
	}
	if b.MchID == "" {
		return "the backup holds no training simulator state; the one here is kept", nil
	}
	c, err := sandbox.ReadDataState(cur)
	if err != nil {
		return "", fmt.Errorf("the training simulator here: %w", err)
	}
	if c.MchID == b.MchID && c.Seq >= b.Seq {
		return fmt.Sprintf("the training simulator here is the backup's merchant %s and has seen at least as much (%d orders); it is kept, as WeChat keeps its records", c.MchID, c.Orders), nil
	}
	aside := ""
	if _, err := os.Stat(cur); err == nil {
		aside = cur + restoreSetAway + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(cur, aside); err != nil {
			return "", fmt.Errorf("keeping the training simulator aside: %w", err)
		}
	}
	if err := os.MkdirAll(cur, 0o700); err != nil {
		return "", err
	}
	for _, name := range sandbox.DataFiles() {
		data, err := os.ReadFile(filepath.Join(from, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err == nil {
			err = writeFileSynced(filepath.Join(cur, name), data)
		}
		if err != nil {
			return "", fmt.Errorf("restoring the training simulator: %w", err)
		}
	}
	msg := fmt.Sprintf("the training simulator's state (merchant %s, %d orders) was restored from the backup", b.MchID, b.Orders)
	if aside != "" {
		msg += "; the one found here is kept as " + aside
	}
	return msg, nil
}

// writeFileSynced writes a new file and syncs it.
func writeFileSynced(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sameFile reports whether a and b name one file (false when either is
// missing).
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

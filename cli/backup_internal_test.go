package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wxpos/wxpos/autobackup"
	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestScheduledBackupIsWxposBackup runs one scheduled slot on a real
// database, for the training books (a zip with the simulator's state) and
// for books on an external simulator (the database file): the file is
// the one `wxpos backup` writes, it passes the audit, and a file that
// does not check out is removed and shown as a failure.
func TestScheduledBackupIsWxposBackup(t *testing.T) {
	for _, tc := range []struct {
		name, profile, ext string
	}{
		{"training", "", ".zip"},
		{"external simulator", "profile.json", ".db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.WeChat.SandboxProfile = tc.profile
			cfg.Backup = config.Backup{Dir: filepath.Join(t.TempDir(), "backups"), At: "02:30", Keep: 2}
			env := &Env{Config: cfg, DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)}
			t.Cleanup(func() { env.Close() })
			if _, err := env.Store(); err != nil {
				t.Fatal(err)
			}
			s := env.backupScheduler()
			slot := time.Date(2026, 12, 4, 2, 30, 0, 0, tz.Shanghai)
			if err := s.RunOnce(context.Background(), slot); err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(cfg.Backup.Dir, "wxpos-20261204-0230"+tc.ext)
			if st := s.Status(); st.State != autobackup.StateWaiting || st.Last != want {
				t.Errorf("status %+v, want the good backup %s", st, want)
			}
			if err := env.auditBackup(want); err != nil {
				t.Errorf("the scheduled backup fails the audit: %v", err)
			}

			s.Write = func(_ context.Context, path string) error { return os.WriteFile(path, []byte("half a file"), 0o600) }
			next := slot.AddDate(0, 0, 1)
			if err := s.RunOnce(context.Background(), next); err == nil {
				t.Fatal("a damaged backup passed")
			}
			if st := s.Status(); st.State != autobackup.StateFailed || st.Err == "" || st.Last != want {
				t.Errorf("status %+v, want failed with the reason, the last good one still %s", st, want)
			}
			if _, err := os.Stat(filepath.Join(cfg.Backup.Dir, s.Name(next))); !os.IsNotExist(err) {
				t.Errorf("the damaged backup was left to be restored from: %v", err)
			}
		})
	}
}

// TestTrainingBackupWhileTheSimulatorServes: the window runs the training
// simulator in its own process, and its scheduled backup may fall while a
// payment commits. The backup's ledger then comes from the running
// simulator's read transaction (not a copy of its file) and holds every
// payment answered before the backup began.
func TestTrainingBackupWhileTheSimulatorServes(t *testing.T) {
	env := &Env{Config: config.Default(), DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)}
	t.Cleanup(func() { env.Close() })
	ctx := context.Background()
	if _, err := env.Store(); err != nil {
		t.Fatal(err)
	}
	w, err := env.WeChat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if env.liveSandbox() == nil {
		t.Fatal("training mode started no simulator in this process")
	}
	pay := func(i int) error {
		_, err := w.V3.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: fmt.Sprintf("BK%08d", i), Description: "backup test",
			AuthCode: sandbox.NewCode(sandbox.ScenarioSuccess), Total: 100, DeviceIP: "127.0.0.1"})
		return err
	}
	const before = 5
	for i := range before {
		if err := pay(i); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	paying := make(chan error, 1)
	go func() { // payments commit while the backup is written
		for i := before; ; i++ {
			select {
			case <-stop:
				paying <- nil
				return
			default:
			}
			if err := pay(i); err != nil {
				paying <- err
				return
			}
		}
	}()
	dst := filepath.Join(t.TempDir(), "training.zip")
	_, _, _, err = env.backup(dst)
	close(stop)
	if perr := <-paying; perr != nil {
		t.Fatal(perr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := env.auditBackup(dst); err != nil {
		t.Fatalf("audit: %v", err)
	}
	_, dir, err := unpackTrainingBackup(dst, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := sandbox.ReadDataState(dir)
	if err != nil {
		t.Fatalf("the backup's simulator state: %v", err)
	}
	if st.Orders < before {
		t.Errorf("the backup's ledger holds %d orders, want at least the %d paid before it", st.Orders, before)
	}
}

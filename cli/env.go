package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/logging"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/storage"
)

// Env is what every subcommand and the UI receive once the global flags have
// been applied: the loaded configuration, where data lives, a logger, and
// the terminal database opened on first use.
type Env struct {
	Config *config.Config
	// Saved is the configuration as the file has it, before command-line
	// overrides (--sandbox-profile): what a settings screen edits and
	// writes back.
	Saved   config.Config
	DataDir string
	Logger  *slog.Logger
	Stdout  io.Writer
	Stderr  io.Writer

	// foreground: Terminal does not start the background recovery worker
	// (wxpos recover is that worker, run in the foreground and counted).
	foreground bool

	// window is the cashier window's environment when this one runs a
	// command the window serves (Serve): the database, WeChat connection
	// and payment core are the window's; only the output is this one's.
	window *Env
	// dir is the CLI's working directory when the window runs its command.
	dir string

	closeLog func() error
	mu       sync.Mutex
	store    *storage.Store
	wechat   *WeChat
	terminal *pos.Terminal
	closers  []func() error
}

// DBPath is the terminal database inside the data directory.
func (e *Env) DBPath() string { return filepath.Join(e.DataDir, "wxpos.db") }

// Store opens the terminal database on first use. A second wxpos on the same
// data directory gets storage.ErrLocked at once.
func (e *Env) Store() (*storage.Store, error) {
	if e.window != nil {
		return e.window.Store()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.store != nil {
		return e.store, nil
	}
	s, err := storage.Open(e.DBPath(), nil)
	if err != nil {
		return nil, err
	}
	if err := s.ClaimMode(e.mode()); err != nil {
		s.Close()
		return nil, e.modeError(err)
	}
	e.store = s
	return s, nil
}

// mode is whose books this run keeps.
func (e *Env) mode() storage.Mode {
	if e.Config.Training() {
		return storage.ModeTraining
	}
	return storage.ModeLive
}

// modeError explains a database that holds the other mode's books and what
// to do about it.
func (e *Env) modeError(err error) error {
	if !errors.Is(err, storage.ErrModeMismatch) {
		return err
	}
	if e.Config.Training() {
		return fmt.Errorf("%w\ntraining (no config, mode \"sandbox\" or --sandbox-profile) never writes into live books: "+
			"leave out --data (training keeps its own books in %s) or give it another directory", err, config.TrainingDataDirHint())
	}
	return fmt.Errorf("%w\nlive books never start from training: sales, Z reports and staff of training stay there. "+
		"Give this configuration a fresh data directory (data_dir or --data), or move the training data away "+
		"(mv %s %s, when that directory does not exist yet) and start again", err, e.DataDir, config.TrainingDataDirHint())
}

// OnClose registers fn to run when the environment closes, newest first.
func (e *Env) OnClose(fn func() error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closers = append(e.closers, fn)
}

// Close releases everything the environment opened.
func (e *Env) Close() error {
	e.mu.Lock()
	closers := e.closers
	e.closers = nil
	store := e.store
	e.store = nil
	e.mu.Unlock()
	var errs []error
	for i := len(closers) - 1; i >= 0; i-- {
		errs = append(errs, closers[i]())
	}
	if store != nil {
		errs = append(errs, store.Close())
	}
	if e.closeLog != nil {
		errs = append(errs, e.closeLog())
	}
	return errors.Join(errs...)
}

// open loads the configuration named by the global flags and builds the
// environment. A config with mistakes stops here, before anything starts.
func (g *globalFlags) open(cmd *cobra.Command) (*Env, error) {
	cfg, saved, warnings, dataDir, err := g.load()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dataDir, err)
	}
	logger, closeLog, err := logging.New(logging.Options{
		Dir:     filepath.Join(dataDir, "logs"),
		Stderr:  cmd.ErrOrStderr(),
		Verbose: g.verbose,
	})
	if err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	for _, w := range warnings {
		logger.Warn(string(w))
	}
	return &Env{
		Config:   cfg,
		Saved:    saved,
		DataDir:  dataDir,
		Logger:   logger,
		Stdout:   cmd.OutOrStdout(),
		Stderr:   cmd.ErrOrStderr(),
		closeLog: closeLog,
	}, nil
}

// load reads the configuration the global flags name, applies them, and
// resolves the data directory; it creates nothing.
func (g *globalFlags) load() (cfg *config.Config, saved config.Config, warnings []config.Warning, dataDir string, err error) {
	path, explicit := g.config, g.config != ""
	if !explicit {
		if path, err = config.DefaultPath(); err != nil {
			return nil, saved, nil, "", err
		}
	}
	cfg, warnings, err = config.Load(path, explicit)
	if err != nil {
		return nil, saved, nil, "", err
	}
	saved = *cfg
	if g.sandboxProfile != "" {
		if !cfg.Training() {
			// A live config's data_dir and [replica] hold the live books:
			// a simulator sale must reach neither.
			cfg.DataDir = ""
			cfg.Replica = config.Replica{}
		}
		cfg.WeChat.Mode = config.ModeSandbox
		cfg.WeChat.SandboxProfile = g.sandboxProfile
	}
	dataDir, err = cfg.ResolveDataDir(g.dataDir)
	if err != nil {
		return nil, saved, nil, "", err
	}
	return cfg, saved, warnings, dataDir, nil
}

// withEnv adapts a subcommand body that needs the environment. In the
// window process (served) the body runs on the window's environment; in a
// CLI whose data directory a window holds, a command the window serves is
// sent there instead (forward).
func (g *globalFlags) withEnv(fn func(cmd *cobra.Command, env *Env, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if g.served != nil {
			env := g.served.forCommand(cmd)
			defer env.Close()
			return fn(cmd, env, args)
		}
		env, err := g.open(cmd)
		if err != nil {
			return err
		}
		defer env.Close()
		if done, err := forward(cmd, env.DataDir); done {
			return err
		}
		return fn(cmd, env, args)
	}
}

// forClient is the environment of the commands the window runs for one
// CLI request: the window's configuration, database and payment core,
// file names relative to the CLI's directory dir, and nothing of the
// window's closed with it.
func (e *Env) forClient(dir string) *Env {
	return &Env{Config: e.Config, Saved: e.Saved, DataDir: e.DataDir, Logger: e.Logger, window: e, dir: dir}
}

// forCommand is env with the command's own output.
func (e *Env) forCommand(cmd *cobra.Command) *Env {
	c := e.forClient(e.dir)
	c.window = e.window
	c.Stdout, c.Stderr = cmd.OutOrStdout(), cmd.ErrOrStderr()
	return c
}

// file is where a file name given on the command line is: relative to the
// CLI's directory, also when the window runs the command.
func (e *Env) file(name string) string {
	if e.dir == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(e.dir, name)
}

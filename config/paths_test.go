package config_test

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/wxpos/wxpos/config"
)

// TestDefaultPaths: the config file and both data directories live under
// the user's config directory, the one os.UserConfigDir names on each
// system: %AppData% on Windows, $XDG_CONFIG_HOME on Linux.
func TestDefaultPaths(t *testing.T) {
	base := t.TempDir()
	switch runtime.GOOS {
	case "windows":
		t.Setenv("AppData", base)
	case "darwin", "ios", "plan9":
		t.Skip("the user config dir is not set by one variable here")
	default:
		t.Setenv("XDG_CONFIG_HOME", base)
	}
	path, err := config.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "wxpos", "config.toml"); path != want {
		t.Errorf("DefaultPath = %s, want %s", path, want)
	}
	c := config.Default()
	if !c.Training() {
		t.Fatal("the default config is not training")
	}
	training, err := c.ResolveDataDir("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "wxpos", "training"); training != want {
		t.Errorf("training data dir = %s, want %s", training, want)
	}
	if hint := config.TrainingDataDirHint(); hint != training {
		t.Errorf("TrainingDataDirHint = %s, want %s", hint, training)
	}
	c.WeChat.Mode = config.ModeV3
	live, err := c.ResolveDataDir("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "wxpos", "data"); live != want {
		t.Errorf("live data dir = %s, want %s", live, want)
	}
	if got, _ := c.ResolveDataDir(filepath.Join(base, "elsewhere")); got != filepath.Join(base, "elsewhere") {
		t.Errorf("--data override = %s", got)
	}
}

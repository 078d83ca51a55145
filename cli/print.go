package cli

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/assets"
	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/receipt"
)

// newPrintCmd builds `wxpos print`: receipt printer checks.
func newPrintCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "print",
		Short: "Check the receipt printer and cash drawer",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPrintTestCmd(g))
	return cmd
}

type printTestFlags struct {
	printer string
	width   string
	png     string
	drawer  bool
	timeout time.Duration
}

func newPrintTestCmd(g *globalFlags) *cobra.Command {
	var f printTestFlags
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Print a test page (Chinese, English, QR code, cut)",
		Long: "Print a test page: Chinese and English text, a column ruler, bold and double size,\n" +
			"alignments, a QR code, then a cut. With --printer none the page is shown here as text.\n" +
			"--png also saves a picture of the page (any printer). --drawer opens the cash drawer too.\n" +
			"Settings not given as flags come from the [printer] section of the config file.\n\n" +
			"Printers: none, usb:/dev/usb/lp0, serial:/dev/ttyUSB0:9600, tcp:192.168.1.50:9100",
		Args: cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			target, paper, err := f.resolve(cmd, env)
			if err != nil {
				return err
			}
			doc := escpos.TestPage(paper, target, time.Now())
			if f.png != "" {
				if err := savePNG(f.png, doc); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "picture of the page saved to %s\n", f.png)
			}
			p := &escpos.Printer{Target: target, JobTimeout: f.timeout, Screen: env.Stdout, CheckStatus: target.Kind != escpos.TargetUSB}
			if err := p.Print(cmd.Context(), doc, &escpos.RenderOptions{KickDrawer: f.drawer}); err != nil {
				return err
			}
			if target.Kind != escpos.TargetNone {
				fmt.Fprintf(env.Stdout, "test page sent to %s (%s)\n", target, paper)
			}
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.printer, "printer", "", "printer: none, usb:PATH, serial:PATH[:BAUD], tcp:HOST[:PORT] (default: from config, else none)")
	fl.StringVar(&f.width, "width", "", "paper width in mm: 58 or 80 (default: from config, else 58)")
	fl.StringVar(&f.png, "png", "", "also save a PNG picture of the page to this file")
	fl.BoolVar(&f.drawer, "drawer", false, "also open the cash drawer")
	fl.DurationVar(&f.timeout, "timeout", escpos.DefaultJobTimeout, "give up on the printer after this long")
	return cmd
}

// resolve starts from the config file's [printer] section and applies the
// flags the user gave.
func (f *printTestFlags) resolve(cmd *cobra.Command, env *Env) (escpos.Target, escpos.Paper, error) {
	target, width := "none", "58"
	if env.Config != nil {
		if env.Config.Printer.Target != "" {
			target = env.Config.Printer.Target
		}
		if env.Config.Printer.Width != 0 {
			width = strconv.Itoa(env.Config.Printer.Width)
		}
	}
	if cmd.Flags().Changed("printer") {
		target = f.printer
	}
	if cmd.Flags().Changed("width") {
		width = f.width
	}
	t, err := escpos.ParseTarget(target)
	if err != nil {
		return t, 0, Usagef("--printer: %v", err)
	}
	p, err := escpos.ParsePaper(width)
	if err != nil {
		return t, 0, Usagef("--width: %v", err)
	}
	if f.timeout <= 0 {
		return t, 0, Usagef("--timeout must be positive")
	}
	return t, p, nil
}

// savePNG draws doc with Go Mono and the embedded CJK font, so Chinese
// shows in the picture.
func savePNG(path string, doc receipt.Doc) error {
	faces, err := escpos.PreviewFaces(assets.Font)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := escpos.WritePNG(&b, doc, faces...); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("save picture: %w", err)
	}
	return nil
}

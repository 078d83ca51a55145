// Command seedsales records N scan sales on training books through the
// command line's own pay command, in one process (a wxpos process per
// sale costs half a second): scripts/memory.sh uses it to put a busy
// day's sales on the books the window then opens.
//
//	seedsales -n 1000 -- --data DIR        (the arguments after -- go before "pay")
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/wxpos/wxpos/cli"
)

func main() {
	n := flag.Int("n", 1000, "how many sales")
	flag.Parse()
	ctx := context.Background()
	for i := range *n {
		root := cli.NewRoot(nil)
		root.SetOut(io.Discard)
		root.SetErr(io.Discard)
		// 130001…: the sandbox's "success" scenario; every code once.
		args := append(flag.Args(), "pay", "--fen", fmt.Sprint(100+i%5000), "--code", fmt.Sprintf("130001%012d", i+1))
		root.SetArgs(args)
		if code := cli.Execute(ctx, root); code != 0 {
			fmt.Fprintf(os.Stderr, "seedsales: sale %d: pay exited %d\n", i+1, code)
			os.Exit(1)
		}
	}
}

package escpos_test

import (
	"bytes"
	"fmt"

	"github.com/wxpos/wxpos/escpos"
)

func ExampleEncoder() {
	var b bytes.Buffer
	e := escpos.NewEncoder(&b)
	e.Init()
	e.Chinese(true)
	e.Align(escpos.AlignCenter)
	e.Bold(true)
	e.Line("合计 9.90")
	e.FeedCut(true, 0)
	if err := e.Err(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("% x\n", b.Bytes())
	// Output: 1b 40 1c 26 1b 61 01 1b 45 01 ba cf bc c6 20 39 2e 39 30 0a 1d 56 42 00
}

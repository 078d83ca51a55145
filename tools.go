//go:build tools

// This file pins dependencies that later packages will import, so that
// go.mod and go.sum stay complete while the tree is being built up.
package main

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/BurntSushi/toml"
	_ "github.com/creack/pty"
	_ "github.com/silenceper/wechat/v2/pay"
	_ "github.com/skip2/go-qrcode"
	_ "github.com/spf13/cobra"
	_ "github.com/tarm/serial"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/crypto/pkcs12"
	_ "golang.org/x/text/encoding/simplifiedchinese"
	_ "gopkg.in/natefinch/lumberjack.v2"
)

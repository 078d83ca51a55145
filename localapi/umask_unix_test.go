//go:build unix

package localapi_test

import "syscall"

func syscallUmask(m int) int { return syscall.Umask(m) }

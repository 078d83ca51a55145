//go:build !unix

package localapi_test

// syscallUmask: no umask here; the socket's rights come from its directory.
func syscallUmask(m int) int { return 0 }

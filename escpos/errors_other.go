//go:build !windows

package escpos

// offlineErrnos are system codes of an unreachable printer beyond the
// portable ones classify tests.
var offlineErrnos []error

//go:build !linux

package sandbox

import "time"

// threadCPU is unavailable here; the CPU metrics are then zero.
func threadCPU() time.Duration { return 0 }

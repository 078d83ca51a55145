//go:build !unix

package catalogstore_test

import "time"

// cpuTime is unavailable here; CPU metrics are then omitted.
func cpuTime() time.Duration { return 0 }

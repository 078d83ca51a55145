//go:build !unix

package bill_test

import "time"

// cpuTime is unavailable here; the rows/cpu-s metric is then omitted.
func cpuTime() time.Duration { return 0 }

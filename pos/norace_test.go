//go:build !race

package pos_test

// raceDetector is true in a -race build, where the soak runs fewer payments.
const raceDetector = false

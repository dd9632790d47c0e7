//go:build !race

package textdiff

// raceEnabled reports whether the race detector, which slows code down a
// lot, is on.
const raceEnabled = false

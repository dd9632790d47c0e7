//go:build race

package web_test

// raceEnabled reports whether the race detector, which slows every request
// down several times, is on.
const raceEnabled = true

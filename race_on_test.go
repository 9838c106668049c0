//go:build race

package alloy_test

// raceEnabled reports a build with the race detector, under which timing
// inside net/http changes enough to make some counts (connections reused)
// not hold exactly.
const raceEnabled = true

//go:build race

package alloy_test

// raceEnabled reports a build with the race detector. Under it timing
// inside net/http changes enough to make some counts (connections reused)
// not hold exactly, and sync.Pool drops a random share of what is put back
// (to shake out reuse bugs), so allocation counts vary from run to run.
// Tests that check such counts exactly do so only without it; .ci/run runs
// them again without -race.
const raceEnabled = true

//go:build !unix

package alloy_test

import "time"

// processCPU is not measured on this platform (see cputime_unix_test.go).
func processCPU() (time.Duration, bool) { return 0, false }

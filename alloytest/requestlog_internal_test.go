package alloytest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestLogRing drives the ring through growth, wrap-around and
// eviction, checking after every add that it holds the newest entries
// that fit, oldest first, and that its byte count is exact.
func TestRequestLogRing(t *testing.T) {
	entry := func(i, body int) *LoggedRequest {
		return &LoggedRequest{Method: "GET", Path: fmt.Sprintf("/e/%d", i), Body: make([]byte, body)}
	}
	const budget = 40_000
	l := requestLog{max: budget}
	var added []*LoggedRequest
	for i := 0; i < 2000; i++ {
		e := entry(i, (i*7919)%3000) // sizes from 512 to 3,500 bytes
		l.add(e)
		added = append(added, e)

		var sum int64
		for k := 0; k < l.n; k++ {
			sum += l.at(k).size()
		}
		require.Equal(t, sum, l.bytes, "add %d: the byte count", i)
		require.LessOrEqual(t, l.bytes, int64(budget), "add %d", i)
		// The newest l.n entries, in order, and the one before them would
		// not have fitted.
		want := added[len(added)-l.n:]
		for k := range want {
			require.Same(t, want[k], l.at(k), "add %d: entry %d", i, k)
		}
		if l.n < len(added) {
			require.Greater(t, sum+added[len(added)-l.n-1].size(), int64(budget), "add %d: evicted only what had to go", i)
		}
	}
	assert.LessOrEqual(t, len(l.ring), 128, "the ring stops growing: the budget bounds it")
	for k := l.n; k < len(l.ring); k++ {
		assert.Nil(t, l.ring[(l.head+k)%len(l.ring)], "evicted entries are released")
	}

	// An entry larger than the whole budget is not kept; the others stay.
	n := l.n
	l.add(entry(-1, budget))
	assert.Equal(t, n, l.n)

	l.reset()
	assert.Zero(t, l.n)
	assert.Zero(t, l.bytes)
	off := requestLog{}
	off.add(entry(0, 0))
	assert.Zero(t, off.n, "a zero budget keeps nothing")
}

// BenchmarkRequestLog measures what a request costs the server in-process
// (ServeHTTP of a 1 KiB user update) with the log off, with a log that
// never fills (emptied every 1,000 requests), and with a full 8 MiB log
// that evicts an entry for every one it adds: the last two stay close.
func BenchmarkRequestLog(b *testing.B) {
	for _, bc := range []struct {
		name   string
		budget int64
		fill   bool
	}{{"off", 0, false}, {"empty", DefaultRequestLogBytes, false}, {"full", DefaultRequestLogBytes, true}} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := Start(WithRequestLog(bc.budget), WithAPIKey("k"))
			require.NoError(b, err)
			defer s.Close()
			u, err := s.st.createUser("bench@example.com", "")
			require.NoError(b, err)
			body := []byte(`{"fullName":"` + strings.Repeat("x", 1000) + `"}`)
			serve := func() {
				r := httptest.NewRequest(http.MethodPut, "/users/"+u.ID, bytes.NewReader(body))
				r.Header.Set("Authorization", "Bearer k")
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Accept", "application/json")
				r.Header.Set("User-Agent", "alloy-go/bench")
				r.Header.Set("X-Api-Version", "2025-09")
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
			if bc.fill {
				for s.journal.log.bytes < bc.budget-2<<10 {
					serve()
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if !bc.fill && i%1000 == 999 {
					s.ResetRequests()
				}
				serve()
			}
			b.StopTimer()
			b.ReportMetric(float64(s.journal.log.n), "entries")
		})
	}
}

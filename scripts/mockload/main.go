// Command mockload drives `alloy mock` with a mix of SDK calls and reports
// its throughput and its memory (the mock process's RSS) from start to end,
// for BENCHMARKS.md:
//
//	go run ./scripts/mockload                 # 1,000,000 requests from 16 goroutines
//	go run ./scripts/mockload -n 100000 -workers 8
//
// It builds cmd/alloy (or runs -alloy), starts `alloy mock --addr
// 127.0.0.1:0 --jsonl` with its defaults (request validation on, an 8 MiB
// request log, no per-username counters), and sends, per cycle of each
// goroutine, five requests for a new user: Users.Create (POST /users),
// Users.Get, Tokens.Create, Integrations.List and Users.Delete, so that
// the store holds at most one user per goroutine. The client runs on the
// same machine, so requests/s is for the pair; the mock's RSS is read from
// /proc/<pid>/status (Linux only). Any failed call ends the run.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	alloy "github.com/alloysdk/alloy-go"
)

func main() {
	n := flag.Int("n", 1_000_000, "requests to send (rounded up to whole cycles of 5)")
	workers := flag.Int("workers", 16, "goroutines sending")
	every := flag.Int("every", 100_000, "report every this many requests")
	alloyBin := flag.String("alloy", "", "the alloy binary (default: build ./cmd/alloy)")
	flag.Parse()
	if err := run(*n, *workers, *every, *alloyBin); err != nil {
		fmt.Fprintln(os.Stderr, "mockload:", err)
		os.Exit(1)
	}
}

func run(n, workers, every int, bin string) error {
	if bin == "" {
		dir, err := os.MkdirTemp("", "mockload")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "alloy")
		build := exec.Command("go", "build", "-o", bin, "./cmd/alloy")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/alloy (run from the module root): %w", err)
		}
	}
	mock := exec.Command(bin, "mock", "--addr", "127.0.0.1:0", "--jsonl")
	mock.Stderr = os.Stderr
	stdout, err := mock.StdoutPipe()
	if err != nil {
		return err
	}
	if err := mock.Start(); err != nil {
		return err
	}
	defer func() {
		_ = mock.Process.Signal(syscall.SIGINT)
		_ = mock.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("reading the mock's first line: %w", err)
	}
	var out struct{ BaseURL, APIKey string }
	if err := json.Unmarshal(line, &out); err != nil {
		return fmt.Errorf("the mock's first line %q: %w", line, err)
	}
	c, err := alloy.NewClient(out.APIKey, alloy.WithBaseURL(out.BaseURL), alloy.WithMaxRetries(0))
	if err != nil {
		return err
	}
	pid := mock.Process.Pid

	fmt.Printf("go %s, %d CPUs; alloy mock (pid %d) at %s; %d goroutines, %d requests\n",
		runtime.Version(), runtime.NumCPU(), pid, out.BaseURL, workers, n)
	fmt.Printf("%12s %9s %10s %10s %10s\n", "requests", "seconds", "req/s", "RSS MiB", "peak MiB")
	report := func(done int64, elapsed time.Duration, rate float64) int64 {
		cur, peak := rss(pid)
		fmt.Printf("%12d %9.1f %10.0f %10.1f %10.1f\n", done, elapsed.Seconds(), rate, mib(cur), mib(peak))
		return cur
	}
	startRSS := report(0, 0, 0)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cycles := int64((n + 4) / 5)
	var next, sent atomic.Int64
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) { errOnce.Do(func() { firstErr = err; cancel() }) }

	start := time.Now()
	var mu sync.Mutex // the progress lines
	lastAt, lastSent := start, int64(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > cycles || ctx.Err() != nil {
					return
				}
				if err := cycle(ctx, c, fmt.Sprintf("load-%d-%d@example.com", w, i)); err != nil {
					fail(err)
					return
				}
				if s := sent.Add(5); s%int64(every) < 5 {
					mu.Lock()
					now := time.Now()
					report(s, now.Sub(start), float64(s-lastSent)/now.Sub(lastAt).Seconds())
					lastAt, lastSent = now, s
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	elapsed := time.Since(start)
	endRSS, peak := rss(pid)
	total := sent.Load()
	fmt.Printf("\n%d requests in %.1fs: %.0f requests/s; mock RSS %.1f MiB at start, %.1f MiB at the end (peak %.1f MiB)\n",
		total, elapsed.Seconds(), float64(total)/elapsed.Seconds(), mib(startRSS), mib(endRSS), mib(peak))
	return nil
}

// cycle sends the five requests of one user's life.
func cycle(ctx context.Context, c *alloy.Client, username string) error {
	u, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: username, FullName: "Load Test"})
	if err != nil {
		return fmt.Errorf("Users.Create: %w", err)
	}
	if _, err := c.Users.Get(ctx, u.ID); err != nil {
		return fmt.Errorf("Users.Get: %w", err)
	}
	if _, err := c.Tokens.Create(ctx, u.ID); err != nil {
		return fmt.Errorf("Tokens.Create: %w", err)
	}
	if _, err := c.Integrations.List(ctx, u.ID); err != nil {
		return fmt.Errorf("Integrations.List: %w", err)
	}
	if err := c.Users.Delete(ctx, u.ID); err != nil {
		return fmt.Errorf("Users.Delete: %w", err)
	}
	return nil
}

// rss reads a process's resident set size and its peak (VmRSS, VmHWM), in
// bytes; zeros where /proc is not there.
func rss(pid int) (cur, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			_, _ = fmt.Sscanf(strings.TrimPrefix(line, "VmRSS:"), "%d", &kb)
			cur = kb << 10
		case strings.HasPrefix(line, "VmHWM:"):
			_, _ = fmt.Sscanf(strings.TrimPrefix(line, "VmHWM:"), "%d", &kb)
			peak = kb << 10
		}
	}
	return cur, peak
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// Command alloy operates an Alloy Automation account from a terminal or a
// script, through the alloy-go SDK: the Embedded API, the Connectivity API
// and the Unified API, and a local fake of them all (alloy mock).
//
// Every command reads noun, verb, the id of the object acted on, and flags
// for the rest:
//
//	alloy users list
//	alloy users get ops@northwind.example
//	alloy credentials list --user ops@northwind.example
//	alloy workflows activate 6712ab3acd56ef7890a1b2d9 --user ops@northwind.example
//	alloy unified commerce/customers list --connection "$CONN"
//	alloy mock --seed cmd/alloy/testdata/seed.json
//
// It is configured like alloy.NewClientFromEnv (ALLOY_API_KEY, ...), with
// flags overriding the environment. Output is an aligned table unless
// --json (one JSON document) or --jsonl (one JSON object per line) asks
// otherwise. Exit status: 0 success, 1 an API or network error, 2 a usage
// or configuration error (nothing was sent), 4 the API refused the key
// (HTTP 401 or 403), 130 interrupted (Ctrl-C). Run alloy --help for the
// whole list.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// interrupted is the cause of the context's end when a signal stopped
// alloy: the exit status is 128 plus the signal's number (130 for SIGINT).
type interrupted struct{ sig syscall.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

// run runs one invocation of alloy and returns its exit status. Ctrl-C
// (SIGINT) or SIGTERM cancels the call in flight, or stops alloy mock.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case s := <-sigs:
			sig, _ := s.(syscall.Signal)
			cancel(interrupted{sig})
		case <-ctx.Done():
		}
	}()
	return runContext(ctx, args, stdin, stdout, stderr, env)
}

// runContext is run with the context every call (and alloy mock) runs
// under, so that tests can interrupt it without a signal (by cancelling it
// with an interrupted cause).
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	x := newCLI(ctx, stdin, stdout, stderr, env)
	return x.execute(args)
}

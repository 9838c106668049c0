// Command alloy calls Alloy Automation's Embedded API from a terminal or a
// script, through the alloy-go SDK, and runs alloytest as a local fake of
// the API (alloy mock).
//
//	alloy users list
//	alloy users create --username ops@northwind.example --full-name "Northwind Goods"
//	alloy token ops@northwind.example
//	alloy logs --max 20 --jsonl
//	alloy mock --seed testdata/seed.json
//
// It is configured like alloy.NewClientFromEnv (ALLOY_API_KEY, ...), with
// flags overriding the environment. Output is an aligned table for people,
// one JSON document with --json and one JSON object per line with --jsonl.
// Exit status: 0 success, 1 an API or network error, 2 a usage or
// configuration error. Run alloy --help for the whole list.
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

// run runs one invocation of alloy and returns its exit status. Ctrl-C
// (SIGINT) or SIGTERM cancels the call in flight, or stops alloy mock.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, stdin, stdout, stderr, env)
}

// runContext is run with the context every call (and alloy mock) runs
// under, so that tests can stop a mock without a signal.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	x := &cli{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, env: env, g: &globals{retries: -1}}
	return x.exit(x.dispatch(args))
}

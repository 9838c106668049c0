package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// destructive marks cmd as one that deletes or switches something off: it
// gets --yes, and its action calls confirm before sending anything.
func destructiveCommand(cmd *cobra.Command) *cobra.Command {
	cmd.Flags().BoolP("yes", "y", false, "do it without asking (needed when stdin is not a terminal)")
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[destructive] = "true"
	return cmd
}

// confirm asks before a destructive action, which what describes ("delete
// user ops@northwind.example"). With --yes it does not ask. On a terminal
// it asks on stderr and reads the answer from stdin: y or yes goes on,
// anything else stops. Without a terminal (a script, a pipe) it stops: a
// script says --yes. Stopping is a usage error (exit status 2) and nothing
// is sent. Ctrl-C while it waits ends alloy with 130.
func (x *cli) confirm(cmd *cobra.Command, what string) error {
	if yes, _ := cmd.Flags().GetBool("yes"); yes {
		return nil
	}
	if !isTerminal(x.stdin) {
		return configf("%s needs confirmation: stdin is not a terminal, so add --yes (nothing was sent)", what)
	}
	where := ""
	if c, err := x.api(); err == nil {
		where = fmt.Sprintf(" in %s (%s)", c.Environment(), hostOf(c.BaseURL()))
	}
	fmt.Fprint(x.stderr, x.g.redact(fmt.Sprintf("alloy: %s%s? [y/N] ", what, where)))
	answer := make(chan string, 1)
	go func() { answer <- readLine(x.stdin) }()
	select {
	case <-x.ctx.Done():
		fmt.Fprintln(x.stderr)
		return x.ctx.Err()
	case a := <-answer:
		switch strings.ToLower(strings.TrimSpace(a)) {
		case "y", "yes":
			return nil
		}
		return configf("not confirmed: nothing was sent")
	}
}

// readLine reads up to a newline one byte at a time, so that nothing after
// the answer is consumed.
func readLine(r interface{ Read([]byte) (int, error) }) string {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < 1024 {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			break
		}
	}
	return b.String()
}

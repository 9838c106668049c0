package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress tells, on stderr, how far a long command (alloy users import,
// the exports) has gone. On a terminal it keeps one line up to date in
// place: a bar when the total is known, the count, the rate and the time
// left (or, without a total, the time so far). Otherwise (a log, a pipe) it
// writes a plain line every `every` items, so that a log shows the pace
// without a line per item. It is used from one goroutine, and draws only
// when an item is added: no timer, so what it writes depends on the items
// alone, plus the clock for the rate.
//
// It is written by hand rather than taken from a progress-bar library: it
// is one line of text, and the libraries (schollz/progressbar,
// vbauerster/mpb) bring their own goroutines, refresh timers and terminal
// handling for features (several bars, spinners, colours) not needed here.
type progress struct {
	w      io.Writer
	tty    bool
	prefix string // "alloy users import", for plain lines
	unit   string // "rows", "records"
	total  int    // 0: unknown
	every  int    // plain lines: one per every items; 0: none
	now    func() time.Time
	redact func(string) string

	start    time.Time
	base     int // items counted before start (done by an earlier run): not in the rate
	done     int
	failed   int
	lastDraw time.Time
	shown    bool // a terminal line is on screen
}

// redrawEvery bounds how often the terminal line is redrawn.
const redrawEvery = 100 * time.Millisecond

// barWidth is the bar's width in characters: the whole line stays within
// 80 columns.
const barWidth = 20

func newProgress(x *cli, tty bool, unit string, total, every int) *progress {
	return &progress{w: x.stderr, tty: tty, prefix: x.path, unit: unit, total: total, every: every,
		now: time.Now, redact: x.g.redact, start: time.Now()}
}

// skip counts n items done before this run (resumed): they count towards
// the total but not the rate.
func (p *progress) skip(n int) {
	p.base += n
	p.done += n
}

// add counts one item, failed or not, and redraws or writes a line when it
// is time to.
func (p *progress) add(failed bool) {
	p.done++
	if failed {
		p.failed++
	}
	switch {
	case p.tty:
		if now := p.now(); p.lastDraw.IsZero() || now.Sub(p.lastDraw) >= redrawEvery {
			p.lastDraw = now
			p.draw(false)
		}
	case p.every > 0 && p.done%p.every == 0:
		p.line()
	}
}

// finish draws the terminal line a last time and ends it; without a
// terminal it writes nothing (the command writes its summary).
func (p *progress) finish() {
	if p.tty {
		p.draw(true)
		fmt.Fprintln(p.w)
		p.shown = false
	}
}

// rate is the items per second of this run.
func (p *progress) rate() float64 {
	elapsed := p.now().Sub(p.start).Seconds()
	if elapsed <= 0 {
		return 0
	}
	return float64(p.done-p.base) / elapsed
}

// eta is the time left at the current rate; ok is false when it cannot be
// told (no total, no rate yet).
func (p *progress) eta() (time.Duration, bool) {
	r := p.rate()
	if p.total <= 0 || r <= 0 {
		return 0, false
	}
	left := float64(max(p.total-p.done, 0)) / r
	return time.Duration(left * float64(time.Second)).Round(time.Second), true
}

func (p *progress) draw(final bool) {
	var b strings.Builder
	b.WriteString("\r")
	if p.total > 0 {
		filled := min(barWidth*p.done/p.total, barWidth)
		b.WriteString("[" + strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled) + "] ")
		fmt.Fprintf(&b, "%d/%d %s %3d%%", p.done, p.total, p.unit, 100*p.done/p.total)
	} else {
		fmt.Fprintf(&b, "%d %s", p.done, p.unit)
	}
	fmt.Fprintf(&b, "  %s/s", rateText(p.rate()))
	elapsed := p.now().Sub(p.start).Round(time.Second)
	switch eta, ok := p.eta(); {
	case final:
		fmt.Fprintf(&b, "  in %s", elapsed)
	case ok:
		fmt.Fprintf(&b, "  ETA %s", eta)
	default:
		fmt.Fprintf(&b, "  %s elapsed", elapsed)
	}
	if p.failed > 0 {
		fmt.Fprintf(&b, "  %d failed", p.failed)
	}
	b.WriteString("\x1b[K") // clear what a longer line left
	_, _ = io.WriteString(p.w, p.redact(b.String()))
	p.shown = true
}

// line writes one plain progress line.
func (p *progress) line() {
	var b strings.Builder
	b.WriteString(p.prefix + ": ")
	if p.total > 0 {
		fmt.Fprintf(&b, "%d/%d %s (%d%%)", p.done, p.total, p.unit, 100*p.done/p.total)
	} else {
		fmt.Fprintf(&b, "%d %s", p.done, p.unit)
	}
	if p.failed > 0 {
		fmt.Fprintf(&b, ", %d failed", p.failed)
	}
	fmt.Fprintf(&b, ", %s %s/s", rateText(p.rate()), p.unit)
	if eta, ok := p.eta(); ok {
		fmt.Fprintf(&b, ", ETA %s", eta)
	}
	fmt.Fprintln(p.w, p.redact(b.String()))
}

// note writes a line of text, ending the terminal line first if one is
// showing, so that the two do not mix.
func (p *progress) note(format string, args ...any) {
	if p.shown {
		fmt.Fprintln(p.w)
		p.shown = false
		p.lastDraw = time.Time{} // redraw at the next item
	}
	fmt.Fprintln(p.w, p.redact(fmt.Sprintf(format, args...)))
}

// rateText formats a rate: one decimal below 10 per second.
func rateText(r float64) string {
	if r < 10 {
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.0f", r)
}

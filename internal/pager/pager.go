// Package pager turns a page fetcher into an iterator, with the behaviour
// every list iterator of the SDK shares: one fresh walk per range, the first
// error yielded and the end, no request after the caller breaks out, and a
// bound on the number of pages.
package pager

import "iter"

// Seq returns an iterator over the items of successive pages. start is
// called at the beginning of each range over the result and returns the
// fetcher for that walk; the fetcher returns one page's items, whether
// another page follows, and an error that ends the walk after the items.
// After maxPages pages the iterator yields tooMany(pages) and ends.
func Seq[T any](start func() func() ([]T, bool, error), maxPages int, tooMany func(pages int) error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		next, limit := start(), maxPages
		for pages := 0; ; pages++ {
			if pages == limit {
				yield(zero, tooMany(pages))
				return
			}
			items, more, err := next()
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if err != nil {
				yield(zero, err)
				return
			}
			if !more {
				return
			}
		}
	}
}

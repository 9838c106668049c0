// Package errs holds the SDK's argument error, so that every package of
// the module (alloy, unified, webhook, alloytest) returns the same one; the
// root package exports its sentinel as alloy.ErrInvalidArgument.
package errs

import (
	"errors"
	"fmt"
)

// ErrInvalidArgument is matched by every ArgError.
var ErrInvalidArgument = errors.New("alloy: invalid argument")

// ArgError is bad input, found before anything was sent.
type ArgError struct{ Op, Reason string }

func (e *ArgError) Error() string { return "alloy: " + e.Op + ": invalid argument: " + e.Reason }

// Is matches ErrInvalidArgument.
func (e *ArgError) Is(target error) bool { return target == ErrInvalidArgument }

// Invalid returns an *ArgError for op.
func Invalid(op, format string, args ...any) error {
	return &ArgError{Op: op, Reason: fmt.Sprintf(format, args...)}
}

package bot

import (
	"fmt"
	"runtime/debug"
)

// PanicError is a panic in bot code, caught and returned as an error, so
// that the one text (or timer run) that hit it fails and the process and
// every other number carry on. Nothing the failed transaction wrote is
// stored: to the store it is an error like any other.
type PanicError struct {
	// Value is what was panicked, redacted (a panic message may quote a
	// text or a number).
	Value string
	// Stack is where, for the log.
	Stack []byte
}

func (e *PanicError) Error() string { return "bot: panic: " + e.Value }

// CatchPanic turns a panic into an error. Deferred by a function with a
// named error result, it turns a panic in that function into a *PanicError in *err:
//
//	func (d *Desk) Handle(…) (_ []Line, err error) {
//		defer CatchPanic(&err)
//
// The desk's entry points (Handle, Sweep, OptOut) do, so the functions the
// store runs in its transactions return an error instead of panicking
// through the store.
func CatchPanic(err *error) {
	if v := recover(); v != nil {
		*err = &PanicError{Value: maskNumbers(Redact(fmt.Sprint(v))), Stack: debug.Stack()}
	}
}

// maskNumbers masks what looks like a phone number (phoneLike, as
// ShareableText finds them) as Mask does, so a panic's log line never
// carries a whole number.
func maskNumbers(s string) string {
	return phoneLike.ReplaceAllStringFunc(s, Mask)
}

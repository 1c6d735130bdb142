package cli

import (
	"context"
	"errors"
	"fmt"
)

// interruptedError is the error of a command stopped by Ctrl-C; it says what
// is true of the data afterwards.
type interruptedError struct{ state string }

func (e interruptedError) Error() string { return "interrupted; " + e.state }

func (e interruptedError) Unwrap() error { return context.Canceled }

// interrupted turns err into an interruptedError saying state when the
// command's context was cancelled; other errors pass unchanged.
func (g *Globals) interrupted(err error, state string) error {
	if err != nil && (g.ctx.Err() != nil || errors.Is(err, context.Canceled)) {
		return interruptedError{state: state}
	}
	return err
}

// interruptMessage is what crier prints when a command was interrupted.
func interruptMessage(err error) string {
	var ie interruptedError
	if errors.As(err, &ie) {
		return fmt.Sprintf("crier: %v", ie)
	}
	return "crier: interrupted"
}

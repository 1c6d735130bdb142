package devsink

import (
	"io"
	"sync/atomic"
)

// counters are what a CountOnly sink keeps instead of the messages: enough for
// a benchmark to know when everything arrived, at a few bytes per message.
type counters struct {
	emails    atomic.Int64
	sms       atomic.Int64
	callbacks atomic.Int64
}

// discardData reads a mail body without keeping it and counts one mail per
// recipient: the cheap path of a CountOnly sink.
func (c *session) discardData(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	c.sink.count.emails.Add(int64(len(c.rcpts)))
	return nil
}

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/crier-dev/crier/internal/bounce"
)

type bouncesCmd struct {
	Parse  bouncesParseCmd  `cmd:"" help:"Classify bounce, complaint and auto-reply messages; print one JSON line per recipient."`
	Ingest bouncesIngestCmd `cmd:"" help:"Apply bounce mail from .eml, mbox or maildir files to the ledger; print one JSON line per recipient."`
	Undo   bouncesUndoCmd   `cmd:"" help:"Not a real bounce: close a bounce or complaint flag and lift the suppression of its address."`
}

type bouncesParseCmd struct {
	Files []string `arg:"" help:"Message files (.eml), mbox files or maildir directories."`
}

// bounceLine is one line of `crier bounces parse`: keep its fields stable.
type bounceLine struct {
	File      string `json:"file"`
	Recipient string `json:"recipient"`
	Class     string `json:"class"`
	Reason    string `json:"reason"`
	Status    string `json:"status"`
	MessageID string `json:"message_id"`
}

// errSomeFailed is returned when some files could not be read or parsed;
// each was reported on stderr as it happened.
var errSomeFailed = errors.New("bounces: some files could not be read")

func (c bouncesParseCmd) Run(g *Globals) error {
	enc := json.NewEncoder(g.env.Stdout)
	enc.SetEscapeHTML(false)
	failed := false
	for _, path := range c.Files {
		if err := g.ctx.Err(); err != nil {
			return err
		}
		msgs, err := bounce.ReadMessages(path)
		if err != nil {
			fmt.Fprintln(g.env.Stderr, "crier:", err)
			failed = true
		}
		for _, m := range msgs {
			if err := printReports(enc, m); err != nil {
				fmt.Fprintf(g.env.Stderr, "crier: %s: %v\n", messageName(path, m), err)
				failed = true
			}
		}
	}
	if failed {
		return errSomeFailed
	}
	return nil
}

func printReports(enc *json.Encoder, m bounce.Message) error {
	reports, err := bounce.Parse(bytes.NewReader(m.Data))
	if err != nil {
		return err
	}
	for _, r := range reports {
		line := bounceLine{File: m.Name, Recipient: r.Recipient, Class: string(r.Class),
			Reason: r.Reason, Status: r.Status, MessageID: r.MessageID}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return nil
}

// messageName names a message in an error: the path, and its number in an mbox.
func messageName(path string, m bounce.Message) string {
	if m.Index > 0 {
		return fmt.Sprintf("%s (message %d)", path, m.Index)
	}
	return path
}

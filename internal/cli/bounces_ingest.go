package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/feedback"
	"github.com/crier-dev/crier/internal/store"
)

type bouncesIngestCmd struct {
	Files []string `arg:"" help:"Message files (.eml), mbox files or maildir directories."`
}

// ingestLine is one line of `crier bounces ingest`: what the classifier said
// and what became of it. It names the message, never the address.
type ingestLine struct {
	File       string `json:"file"`
	Index      int    `json:"index,omitempty"`
	Class      string `json:"class"`
	Reason     string `json:"reason"`
	Status     string `json:"status"`
	MessageID  int64  `json:"message_id,omitempty"`
	MatchedBy  string `json:"matched_by,omitempty"`
	Ignored    string `json:"ignored,omitempty"`
	Duplicate  bool   `json:"duplicate,omitempty"`
	Suppressed bool   `json:"suppressed,omitempty"`
	Flag       string `json:"flag,omitempty"`
	FlagID     int64  `json:"flag_id,omitempty"` // for `crier bounces undo`
}

// ingestTotals are printed on stderr at the end.
type ingestTotals struct{ mails, applied, duplicate, ignored, unmatched int }

func (c bouncesIngestCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	router := app.NewFeedbackRouter(g.cfg, st, g.logger)
	enc := json.NewEncoder(g.env.Stdout)
	var totals ingestTotals
	failed := false
	for _, path := range c.Files {
		msgs, err := bounce.ReadMessages(path)
		if err != nil {
			fmt.Fprintln(g.env.Stderr, "crier:", err)
			failed = true
		}
		for _, m := range msgs {
			if err := g.ctx.Err(); err != nil {
				return err
			}
			totals.mails++
			results, err := router.HandleMail(g.ctx, feedback.Mail{Source: feedback.SourceFile, Data: m.Data})
			if err != nil {
				fmt.Fprintf(g.env.Stderr, "crier: %s: %v\n", messageName(path, m), err)
				failed = true
			}
			for _, r := range results {
				totals.add(r)
				if err := enc.Encode(newIngestLine(m, r)); err != nil {
					return fmt.Errorf("write: %w", err)
				}
			}
		}
	}
	fmt.Fprintf(g.env.Stderr, "%d mails: %d reports applied, %d seen before, %d not bounces, "+
		"%d about no message of ours\n", totals.mails, totals.applied, totals.duplicate,
		totals.ignored, totals.unmatched)
	if failed {
		return errSomeFailed
	}
	return nil
}

func (t *ingestTotals) add(r feedback.Result) {
	switch {
	case r.Ignored == "unmatched":
		t.unmatched++
	case r.Ignored != "":
		t.ignored++
	case r.Applied.Duplicate:
		t.duplicate++
	default:
		t.applied++
	}
}

func newIngestLine(m bounce.Message, r feedback.Result) ingestLine {
	return ingestLine{File: m.Name, Index: m.Index, Class: string(r.Report.Class),
		Reason: r.Report.Reason, Status: r.Report.Status, MessageID: r.MessageID,
		MatchedBy: r.MatchedBy, Ignored: r.Ignored, Duplicate: r.Applied.Duplicate,
		Suppressed: r.Applied.Suppressed, Flag: r.Applied.Flagged, FlagID: r.Applied.FlagID}
}

type bouncesUndoCmd struct {
	Flags []int64 `arg:"" name:"flag-id" help:"IDs of the flags that were no real bounce."`
}

func (c bouncesUndoCmd) Run(g *Globals) error {
	st, err := g.open(true)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range c.Flags {
		err := st.FlagNotABounce(g.ctx, store.NotABounceParams{Scope: store.WebScope{All: true},
			FlagID: id})
		if errors.Is(err, store.ErrNotFound) {
			return noOpenFlag(g, st, id)
		}
		if errors.Is(err, store.ErrWrongFlag) {
			return fmt.Errorf("flag %d is no bounce or complaint flag: nothing to undo", id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(g.env.Stdout, "flag %d closed as not a real bounce; its address may be sent to again\n", id)
	}
	return nil
}

// noOpenFlag says why flag id could not be undone: it does not exist, or it
// was closed already.
func noOpenFlag(g *Globals, st *store.Store, id int64) error {
	closed, err := st.FlagClosed(g.ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("no open flag %d", id)
	case err != nil:
		return err
	case closed:
		return fmt.Errorf("flag %d is already closed: nothing to undo", id)
	}
	return fmt.Errorf("no open flag %d", id)
}

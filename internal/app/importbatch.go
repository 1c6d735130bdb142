package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/importer"
	"github.com/crier-dev/crier/internal/store"
)

// defaultBatchRows is how many rows an import normalises and writes per batch:
// enough to make a COPY worth its round trips, few enough to keep memory flat.
const defaultBatchRows = 2000

// normalized is one record with its normalised contact (zero when rejected).
type normalized struct {
	rec importer.Record
	c   contact.Contact
}

// batchJob is a batch on its way through the workers; done receives it normalised.
type batchJob struct {
	recs []importer.Record
	done chan []normalized
}

// streamBatches reads r in batches, normalises them on all cores and hands them to
// write in file order. Reading, normalising and writing overlap; at most a few
// batches are in memory at once.
func streamBatches(ctx context.Context, r *importer.Reader, size int, opts contact.Options,
	write func([]normalized) error) error {
	if size <= 0 {
		size = defaultBatchRows
	}
	g, ctx := errgroup.WithContext(ctx)
	workers := max(1, runtime.GOMAXPROCS(0))
	jobs := make(chan batchJob, workers)
	ordered := make(chan batchJob, 2*workers)

	g.Go(func() error {
		defer close(jobs)
		defer close(ordered)
		return readBatches(ctx, r, size, jobs, ordered)
	})
	for range workers {
		g.Go(func() error {
			for job := range jobs {
				out := make([]normalized, len(job.recs))
				for i, rec := range job.recs {
					out[i].rec = rec
					if rec.Err == nil {
						out[i].c = contact.Normalize(rec.Input, opts)
					}
				}
				job.done <- out
			}
			return nil
		})
	}
	g.Go(func() error {
		for job := range ordered {
			var batch []normalized
			select {
			case batch = <-job.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if err := write(batch); err != nil {
				return err
			}
		}
		return nil
	})
	return g.Wait()
}

// readBatches sends every batch of r to the workers and, in order, to the writer.
func readBatches(ctx context.Context, r *importer.Reader, size int,
	jobs, ordered chan<- batchJob) error {
	for {
		recs := make([]importer.Record, 0, size)
		var readErr error
		for len(recs) < size {
			rec, err := r.Next()
			if err != nil {
				readErr = err
				break
			}
			recs = append(recs, rec)
		}
		if len(recs) > 0 {
			job := batchJob{recs: recs, done: make(chan []normalized, 1)}
			for _, ch := range []chan<- batchJob{ordered, jobs} {
				select {
				case ch <- job:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		if errors.Is(readErr, io.EOF) {
			return nil
		}
		if readErr != nil {
			return readErr
		}
	}
}

// importState is what an import remembers between batches.
type importState struct {
	st     *store.Store
	owners *ownerCache
	sum    *ImportSummary
	// touched holds the contacts that existed before the import and that a row
	// of it matched: a later row matching one of them is a duplicate.
	touched map[int64]bool
	// rejects, when set, receives the rejected rows.
	rejects *rejectsFile
	// flagged holds, per contact, the flags this import opened on it for repeated
	// rows (flagDup, flagConflict), so that later repeats do not open them again.
	flagged map[int64]uint8
}

// Bits of importState.flagged.
const (
	flagDup uint8 = 1 << iota
	flagConflict
)

// target is the contact a row of a batch writes to.
type target struct {
	newIdx  int   // index among the batch's new contacts; -1 for an existing one
	id      int64 // existing contact's ID
	ownerID int64
	written bool // an earlier row of the import wrote it
	// who is the contact's identity, for store.SamePerson.
	who store.Identity
}

// batchPlan is what a batch does, decided row by row in file order.
type batchPlan struct {
	news     []store.NewContact
	dups     []store.DuplicateMark
	existing []int // indexes of rows that update existing contacts, one at a time
	rejects  []store.ImportRejectParams
	ownerIDs []int64
}

// writeBatch plans a batch against the database and the earlier rows, then writes
// it: new contacts by COPY, repeats as duplicate flags, and rows that match a
// contact from before the import through ContactUpsert, which compares, updates
// and synchronises flags as a single-row import does.
func (s *importState) writeBatch(ctx context.Context, batch []normalized) error {
	plan, err := s.plan(ctx, batch)
	if err != nil {
		return err
	}
	if err := s.st.ImportRejects(ctx, plan.rejects); err != nil {
		return err
	}
	ids, err := s.st.ContactsInsert(ctx, s.sum.ID, plan.news)
	if err != nil {
		return err
	}
	for i, nc := range plan.news {
		if _, ok := nc.Extra[contact.FlagDuplicate]; ok {
			s.flagged[ids[i]] |= flagDup
		}
		if _, ok := nc.Extra[contact.FlagOwnerConflict]; ok {
			s.flagged[ids[i]] |= flagConflict
		}
	}
	if err := s.st.ContactsMarkDuplicates(ctx, s.sum.ID, plan.dups); err != nil {
		return err
	}
	for _, i := range plan.existing {
		n := batch[i]
		id, result, err := s.st.ContactUpsert(ctx, store.ContactUpsertParams{
			ImportID: s.sum.ID, OwnerID: plan.ownerIDs[i], Contact: n.c, Row: n.rec.Row,
			Written: func(id int64) bool { return s.touched[id] }})
		if err != nil {
			return fmt.Errorf("row %d: %w", n.rec.Row, err)
		}
		s.touched[id] = true
		s.count(result)
	}
	return nil
}

// count adds an upsert's result to the summary.
func (s *importState) count(result store.UpsertResult) {
	switch result {
	case store.Duplicate:
		s.sum.Unchanged++
		s.sum.Duplicates++
	case store.Inserted:
		s.sum.Imported++
	case store.Updated:
		s.sum.Updated++
	case store.Unchanged:
		s.sum.Unchanged++
	}
}

// plan decides what each row of the batch does. The keys of a row are looked up
// first among the batch's earlier rows, then in the database, in order of trust.
func (s *importState) plan(ctx context.Context, batch []normalized) (batchPlan, error) {
	plan := batchPlan{ownerIDs: make([]int64, len(batch))}
	keysOf := make([][]string, len(batch))
	var all []string
	for i, n := range batch {
		s.sum.RowsIn++
		if n.rec.Err != nil {
			s.sum.Rejected++
			s.sum.Rejects = append(s.sum.Rejects, *n.rec.Err)
			plan.rejects = append(plan.rejects, store.ImportRejectParams{ImportID: s.sum.ID,
				Row: n.rec.Row, Line: n.rec.Line, Column: n.rec.Err.Column,
				Reason: n.rec.Err.Reason})
			if s.rejects != nil {
				if err := s.rejects.write(n.rec); err != nil {
					return plan, err
				}
			}
			continue
		}
		id, err := s.owners.id(ctx, n.c.Owner, n.c.OwnerEmail)
		if err != nil {
			return plan, err
		}
		plan.ownerIDs[i] = id
		keysOf[i] = store.ContactKeysOf(n.c)
		all = append(all, keysOf[i]...)
	}
	held, err := s.st.ContactKeys(ctx, s.sum.ID, all)
	if err != nil {
		return plan, err
	}
	p := planner{plan: &plan, held: held, state: s, batch: map[string]*target{},
		existing: map[int64]*target{}}
	for i, n := range batch {
		if n.rec.Err == nil {
			p.row(i, n, keysOf[i])
		}
	}
	return plan, nil
}

// planner decides rows of one batch.
type planner struct {
	plan     *batchPlan
	state    *importState
	held     map[string]store.KeyMatch // keys contacts in the database hold
	batch    map[string]*target        // keys earlier rows of the batch claim
	existing map[int64]*target         // existing contacts the batch met
}

// row plans row i with its keys.
func (p *planner) row(i int, n normalized, keys []string) {
	ownerID := p.plan.ownerIDs[i]
	t, shared := p.find(keys, n.c)
	sum := p.state.sum
	switch {
	case t == nil:
		t = &target{newIdx: len(p.plan.news), ownerID: ownerID, who: store.IdentityOf(n.c)}
		nc := store.NewContact{OwnerID: ownerID, Contact: n.c, Keys: p.free(keys)}
		if shared != "" {
			nc.Extra = map[contact.Flag]string{contact.FlagDuplicate: store.SharedKeyDetail(shared)}
		}
		p.plan.news = append(p.plan.news, nc)
		sum.Imported++
	case t.newIdx >= 0:
		nc := &p.plan.news[t.newIdx]
		if nc.Extra == nil {
			nc.Extra = map[contact.Flag]string{}
		}
		if _, ok := nc.Extra[contact.FlagDuplicate]; !ok {
			nc.Extra[contact.FlagDuplicate] = fmt.Sprintf(
				"listed again in the same import (row %d)", n.rec.Row)
		}
		if t.ownerID != 0 && ownerID != 0 && t.ownerID != ownerID {
			if _, ok := nc.Extra[contact.FlagOwnerConflict]; !ok {
				nc.Extra[contact.FlagOwnerConflict] =
					"the same customer is listed under two managers"
			}
		}
		nc.Keys = append(nc.Keys, p.free(keys)...)
		sum.Unchanged++
		sum.Duplicates++
	case t.written:
		p.markDuplicate(t, n.rec.Row, ownerID, p.free(keys))
		sum.Unchanged++
		sum.Duplicates++
	default:
		p.plan.existing = append(p.plan.existing, i)
		t.written = true
		t.who.Fill(n.c)
	}
	for _, k := range keys {
		if _, ok := p.held[k]; !ok && p.batch[k] == nil {
			p.batch[k] = t
		}
	}
}

// markDuplicate plans the flags and keys a repeat of an existing contact adds.
func (p *planner) markDuplicate(t *target, row int, ownerID int64, keys []string) {
	had := p.state.flagged[t.id]
	conflict := t.ownerID != 0 && ownerID != 0 && t.ownerID != ownerID
	m := store.DuplicateMark{ContactID: t.id, Row: row, Keys: keys,
		Duplicate: had&flagDup == 0, Conflict: conflict && had&flagConflict == 0}
	if !m.Duplicate && !m.Conflict && len(keys) == 0 {
		return
	}
	p.state.flagged[t.id] = had | flagDup
	if conflict {
		p.state.flagged[t.id] |= flagConflict
	}
	p.plan.dups = append(p.plan.dups, m)
}

// find returns the contact the first of keys that anyone holds belongs to, or
// nil, skipping contacts that are another person by store.SamePerson; shared is
// then the first key such a contact holds.
func (p *planner) find(keys []string, c contact.Contact) (t *target, shared string) {
	for _, k := range keys {
		t := p.batch[k]
		if t == nil {
			m, ok := p.held[k]
			if !ok || m.Deleted {
				continue
			}
			t = p.existing[m.ContactID]
			if t == nil {
				t = &target{newIdx: -1, id: m.ContactID, ownerID: m.OwnerID,
					written: m.Written || p.state.touched[m.ContactID],
					who:     m.Who}
				p.existing[m.ContactID] = t
			}
		}
		if store.SamePerson(k, c, t.who) {
			return t, ""
		}
		if shared == "" {
			shared = k
		}
	}
	return nil, shared
}

// free returns the keys nobody holds yet.
func (p *planner) free(keys []string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := p.held[k]; !ok && p.batch[k] == nil {
			out = append(out, k)
		}
	}
	return out
}

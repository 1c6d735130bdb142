package importer

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// columns holds the header index of each field; -1 when the file has none.
type columns struct {
	id, first, last, full, company, owner, country, optOut, consent int
	email, phones                                                   []int
}

// hasContactField reports whether a name, e-mail or phone column was found.
func (c *columns) hasContactField() bool {
	return c.first >= 0 || c.last >= 0 || c.full >= 0 || len(c.email) > 0 || len(c.phones) > 0
}

// used returns the columns some field is read from.
func (c *columns) used() map[int]bool {
	out := map[int]bool{}
	for _, i := range append([]int{c.id, c.first, c.last, c.full, c.company, c.owner,
		c.country, c.optOut, c.consent}, append(slices.Clone(c.email), c.phones...)...) {
		if i >= 0 {
			out[i] = true
		}
	}
	return out
}

// headerIndex maps folded header keys to their first column.
type headerIndex map[string]int

// newHeaderIndex indexes header.
func newHeaderIndex(header []string) headerIndex {
	idx := make(headerIndex, len(header))
	for i, h := range header {
		k := headerKey(h)
		if _, dup := idx[k]; !dup && k != "" {
			idx[k] = i
		}
	}
	return idx
}

// first returns the column of the first of names present, or -1.
func (x headerIndex) first(names []string) int {
	for _, n := range names {
		if i, ok := x[headerKey(n)]; ok {
			return i
		}
	}
	return -1
}

// all returns the columns of names present, in the order of names, without repeats.
func (x headerIndex) all(names []string) []int {
	var out []int
	for _, n := range names {
		i, ok := x[headerKey(n)]
		if ok && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

// has reports whether the header has a column called name.
func (x headerIndex) has(name string) bool {
	_, ok := x[headerKey(name)]
	return ok
}

// resolve finds the columns of spec in the header.
func (x headerIndex) resolve(s fieldSpec) columns {
	return columns{
		id: x.first(s.id), first: x.first(s.first), last: x.first(s.last),
		full: x.first(s.full), company: x.first(s.company), owner: x.first(s.owner),
		country: x.first(s.country), optOut: x.first(s.optOut), consent: x.first(s.consent),
		email: x.all(s.email), phones: x.all(s.phones),
	}
}

// fillFrom sets the fields c lacks from d.
func (c *columns) fillFrom(d columns) {
	for _, p := range []struct {
		dst *int
		src int
	}{
		{&c.id, d.id}, {&c.first, d.first}, {&c.last, d.last}, {&c.full, d.full},
		{&c.company, d.company}, {&c.owner, d.owner}, {&c.country, d.country},
		{&c.optOut, d.optOut}, {&c.consent, d.consent},
	} {
		if *p.dst < 0 {
			*p.dst = p.src
		}
	}
	if len(c.email) == 0 {
		c.email = d.email
	}
	if len(c.phones) == 0 {
		c.phones = d.phones
	}
}

// detectLayout picks the known layout the header fits best and resolves its
// columns, filling what it leaves open from the generic synonyms. A layout
// qualifies when its required headers are present; the one with most of its
// typical headers present wins, ties going to the earlier one.
func detectLayout(x headerIndex, header []string) (string, columns) {
	generic := x.resolve(genericSpec())
	best, bestScore := layout{name: LayoutGeneric}, 0
	for _, l := range knownLayouts() {
		if !x.qualifies(l) {
			continue
		}
		if s := x.score(l, header); s > bestScore {
			best, bestScore = l, s
		}
	}
	if best.name == LayoutGeneric {
		return LayoutGeneric, generic
	}
	cols := x.resolve(best.spec)
	cols.fillFrom(generic)
	return best.name, cols
}

// qualifies reports whether the header has what layout l requires.
func (x headerIndex) qualifies(l layout) bool {
	for _, h := range l.all {
		if !x.has(h) {
			return false
		}
	}
	for _, h := range l.anyOf {
		if x.has(h) {
			return true
		}
	}
	return len(l.anyOf) == 0
}

// score counts the header cells that layout l knows.
func (x headerIndex) score(l layout, header []string) int {
	known := map[string]bool{}
	s := l.spec
	for _, names := range [][]string{l.all, l.anyOf, l.extra, s.id, s.first, s.last, s.full,
		s.company, s.owner, s.country, s.optOut, s.consent, s.email, s.phones} {
		for _, n := range names {
			known[headerKey(n)] = true
		}
	}
	n := 0
	for _, h := range header {
		if known[headerKey(h)] {
			n++
		}
	}
	return n
}

// mappedColumns resolves an explicit mapping; every header it names must exist.
func mappedColumns(x headerIndex, m *Mapping) (columns, error) {
	s := m.spec()
	for _, names := range [][]string{s.id, s.first, s.last, s.full, s.company, s.owner,
		s.country, s.optOut, s.consent, s.email, s.phones} {
		for _, n := range names {
			if !x.has(n) {
				return columns{}, fmt.Errorf("mapping names column %q, which the header lacks", n)
			}
		}
	}
	return x.resolve(s), nil
}

// describeHeader lists header cells for an error message. A cell that looks like
// contact data (an '@' or five digits: the file may have no header line) is not
// shown.
func describeHeader(header []string) string {
	const maxShown = 30
	for _, h := range header {
		if looksLikeData(h) {
			// A line holding an address or a number is a data row: its other
			// cells are likely names, which an error message must not quote.
			return fmt.Sprintf("none (the first line looks like a data row, not a header; "+
				"its %d cells are not shown)", len(header))
		}
	}
	parts := make([]string, 0, min(len(header), maxShown)+1)
	for i, h := range header {
		if i == maxShown {
			parts = append(parts, fmt.Sprintf("… %d more", len(header)-maxShown))
			break
		}
		parts = append(parts, fmt.Sprintf("%q", truncate(h, 40)))
	}
	return strings.Join(parts, ", ")
}

// looksLikeData reports whether a header cell looks like an e-mail or a number.
func looksLikeData(s string) bool {
	digits := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	return strings.ContainsRune(s, '@') || digits >= 3
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

package importer

import (
	"strings"

	"github.com/crier-dev/crier/internal/contact"
)

// reasonOptOutValue rejects a row whose opt-out or consent cell is not a yes or no.
const reasonOptOutValue = "opt-out/consent value not recognised " +
	"(want true/false, 1/0, yes/no or evet/hayır)"

// input builds the contact of a row. Cells are trimmed of surrounding white
// space; nothing else is changed (contact.Normalize does the rest).
func (r *Reader) input(fields []string) (contact.Input, *RowError) {
	if e := r.checkUTF8(fields); e != nil {
		return contact.Input{}, e
	}
	c := &r.cols
	cell := func(i int) string {
		if i < 0 {
			return ""
		}
		v := strings.TrimSpace(fields[i])
		for _, j := range r.dups[i] {
			if v != "" {
				break
			}
			v = strings.TrimSpace(fields[j])
		}
		return v
	}
	in := contact.Input{
		ExternalID: cell(c.id), FirstName: cell(c.first), LastName: cell(c.last),
		Company: cell(c.company), Owner: cell(c.owner), Country: cell(c.country),
	}
	if in.FirstName == "" && in.LastName == "" {
		in.FullName = cell(c.full)
	}
	in.Email = firstReal(cell, c.email)
	for _, i := range c.phones {
		if v := cell(i); v != "" {
			if in.Phones == nil {
				in.Phones = make([]contact.PhoneCell, 0, len(c.phones))
			}
			in.Phones = append(in.Phones, contact.PhoneCell{Column: r.header[i], Raw: v})
		}
	}
	optOut, e := r.optOut(fields)
	if e != nil {
		return contact.Input{}, e
	}
	in.OptOut = optOut
	if !identifiable(in) {
		return contact.Input{}, r.rowError("", reasonNoContact)
	}
	return in, nil
}

// firstReal returns the first cell of cols that is not a placeholder, else the
// first non-empty one (Normalize reports a placeholder as missing).
func firstReal(cell func(int) string, cols []int) string {
	if len(cols) == 1 {
		return cell(cols[0])
	}
	first := ""
	for _, i := range cols {
		v := cell(i)
		if !contact.IsPlaceholder(v) {
			return v
		}
		if first == "" {
			first = v
		}
	}
	return first
}

// yesNo is the value of an opt-out or consent cell.
type yesNo int

const (
	answerNone yesNo = iota // empty or a placeholder
	answerYes
	answerNo
	answerUnknown
)

// optOut reads the row's opt-out and consent columns. An empty cell opts nobody out.
func (r *Reader) optOut(fields []string) (bool, *RowError) {
	out := false
	for _, col := range []struct {
		i      int
		optOut yesNo // the answer that means opted out
	}{{r.cols.optOut, answerYes}, {r.cols.consent, answerNo}} {
		if col.i < 0 {
			continue
		}
		a := parseYesNo(fields[col.i])
		if a == answerUnknown {
			return false, r.rowError(r.header[col.i], reasonOptOutValue)
		}
		out = out || a == col.optOut
	}
	return out, nil
}

// parseYesNo reads a yes/no cell.
func parseYesNo(s string) yesNo {
	switch strings.TrimSpace(s) { // the usual spellings, without folding
	case "":
		return answerNone
	case "true", "1", "Evet":
		return answerYes
	case "false", "0", "Hayır":
		return answerNo
	}
	switch headerKey(s) {
	case "true", "1", "yes", "y", "evet", "e", "x", "on", "checked":
		return answerYes
	case "false", "0", "no", "n", "hayir", "h", "off", "unchecked":
		return answerNo
	}
	if contact.IsPlaceholder(s) {
		return answerNone
	}
	return answerUnknown
}

// identifiable reports whether a row has a name, a company, an e-mail or a phone.
func identifiable(in contact.Input) bool {
	if strings.Contains(in.Email, "@") {
		return true // cheap and common: no placeholder has an '@'
	}
	for _, v := range []string{in.FirstName, in.LastName, in.FullName, in.Company, in.Email} {
		if !contact.IsPlaceholder(v) {
			return true
		}
	}
	for _, p := range in.Phones {
		if !contact.IsPlaceholder(p.Raw) {
			return true
		}
	}
	return false
}

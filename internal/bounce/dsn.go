package bounce

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// fields is one block of a delivery-status or feedback-report body: field
// names lower-cased, continuation lines unfolded.
type fields map[string][]string

func (f fields) get(name string) string {
	if v := f[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// fieldBlocks splits a body of "Name: value" lines into blocks separated by
// blank lines (RFC 3464 section 2.1, RFC 5965 section 3.1).
func fieldBlocks(body string) []fields {
	var blocks []fields
	cur := fields{}
	last := ""
	for line := range strings.SplitSeq(body, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			if len(cur) > 0 {
				blocks = append(blocks, cur)
			}
			cur, last = fields{}, ""
		case (line[0] == ' ' || line[0] == '\t') && last != "":
			vals := cur[last]
			vals[len(vals)-1] += " " + strings.TrimSpace(line)
		default:
			name, value, ok := strings.Cut(line, ":")
			if !ok || strings.ContainsAny(name, " \t") {
				continue
			}
			last = strings.ToLower(name)
			cur[last] = append(cur[last], strings.TrimSpace(value))
		}
	}
	if len(cur) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks
}

// dsnInText finds delivery-status fields that a broken bounce put in a text
// part instead of a message/delivery-status part.
var dsnInText = regexp.MustCompile(`(?im)^(Final|Original)-Recipient:`)

// fromDSN reads an RFC 3464 delivery status notification: one Report per
// recipient block.
func fromDSN(m *parsed) []Report {
	body := string(m.status)
	if body == "" {
		for _, t := range m.texts {
			if loc := dsnInText.FindStringIndex(t); loc != nil {
				body = t[loc[0]:]
				break
			}
		}
	}
	var recipients []fields
	for _, b := range fieldBlocks(body) {
		if b.get("final-recipient") != "" || b.get("original-recipient") != "" {
			recipients = append(recipients, b)
		}
	}
	if len(recipients) == 0 {
		return nil
	}
	notice := cutNotice(m.notice())
	addrs := make([]string, len(recipients))
	failed := addresses(m.header.Get("X-Failed-Recipients"))
	for i, b := range recipients {
		addrs[i] = dsnRecipient(b)
		if !strings.Contains(addrs[i], "@") && len(failed) == len(recipients) {
			addrs[i] = failed[i] // Exim names a file or pipe delivery in Final-Recipient
		}
	}
	segments := segmentsFor(notice, addrs)
	warning := isDelayNotice(m.subject, notice)
	reports := make([]Report, 0, len(recipients))
	for i, b := range recipients {
		reports = append(reports, dsnReport(b, addrs[i], segments[addrs[i]], warning))
	}
	return reports
}

func dsnRecipient(b fields) string {
	if v := b.get("final-recipient"); v != "" {
		return dsnAddress(v)
	}
	return dsnAddress(b.get("original-recipient"))
}

// dsnReport classifies one recipient block; segment is what the human-readable
// part says about that recipient.
func dsnReport(b fields, rcpt, segment string, warning bool) Report {
	action := strings.ToLower(b.get("action"))
	if i := strings.IndexAny(action, " (;"); i > 0 {
		action = action[:i]
	}
	diag := diagnosticText(b.get("diagnostic-code"))
	status := pickStatus(statusIn(diag), statusIn(b.get("status")), statusIn(segment))
	r := Report{Recipient: rcpt, Status: status, Diagnostic: diag}
	if orig := dsnAddress(b.get("original-recipient")); orig != rcpt {
		r.OriginalRecipient = orig
	}
	if r.Diagnostic == "" {
		r.Diagnostic = clip(segment)
	}
	switch {
	case action == "delivered" || action == "relayed" || action == "expanded" ||
		(action == "" && strings.HasPrefix(status, "2.")):
		r.Class, r.Reason = NotBounce, ReasonDelivered
		return r
	case action == "delayed" || (action == "" && warning):
		r.Reason = reasonOf(status, false, diag, segment)
		r.Class = classOf(r.Reason, false)
		return r
	}
	r.Reason = reasonOf(status, true, diag, segment)
	r.Class = classOf(r.Reason, true)
	return r
}

// diagnosticText drops the diagnostic-type ("smtp;") of a Diagnostic-Code.
func diagnosticText(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 && !strings.ContainsAny(v[:i], " \t") {
		v = v[i+1:]
	}
	return clip(v)
}

// squeeze collapses runs of white space to one space.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

// maxDiagnostic bounds Report.Diagnostic, in bytes.
const maxDiagnostic = 600

// clip squeezes s and cuts it to maxDiagnostic bytes on a rune boundary.
func clip(s string) string {
	s = squeeze(s)
	if len(s) <= maxDiagnostic {
		return s
	}
	cut := maxDiagnostic
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

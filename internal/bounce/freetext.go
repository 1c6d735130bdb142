package bounce

import (
	"regexp"
	"sort"
	"strings"
)

// copyMarkers start the copy of the original message in a bounce's text.
var copyMarkers = regexp.MustCompile(`(?im)` +
	`^.*below this line is a copy of the message|` +
	`^-+ ?this is a copy of the message|` +
	`^-+ ?original message -+|` +
	`^original message headers:|` +
	`lines of your original message follow|^original message follows|` +
	`^-+ ?the header of the original message|` +
	`^-+ ?(original|returned|undelivered) message( headers)? -+|` +
	`^-+ ?(orijinal|[öo]zg[üu]n) ileti|^-+ ?iletinizin (ba[şs]l[ıi]klar[ıi]|kopyas[ıi])|` +
	`^(received|return-path|dkim-signature|x-received|arc-seal): `)

// cutNotice returns the bounce text before the copy of the original message.
func cutNotice(s string) string {
	if loc := copyMarkers.FindStringIndex(s); loc != nil {
		return s[:loc[0]]
	}
	return s
}

// headerLikeLine matches lines that quote a header of the original message
// ("  To: a@b", "Sent: ..."): addresses there are not what failed.
var headerLikeLine = regexp.MustCompile(
	`(?i)^[\s>]*(from|to|cc|sent|subject|date|reply-to|return-path|sender|message-id|received|x-[a-z-]+):`)

// helpLine matches lines that offer a contact address ("please contact
// support@..."): never the recipient that failed.
var helpLine = regexp.MustCompile(`(?i)contact|support|help ?desk|administrator|assistance|` +
	`please (send|write|e-?mail|mail)|more information|you (can|may) (reach|write)`)

// candidates lists the addresses a free-text bounce reports on, in order of
// first appearance, leaving out the bounce's own correspondents.
func candidates(notice string, exclude map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	for line := range strings.SplitSeq(notice, "\n") {
		if headerLikeLine.MatchString(line) || helpLine.MatchString(line) {
			continue
		}
		for _, a := range addresses(line) {
			if !seen[a] && !exclude[a] && !isSystemAddress(a) {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// segmentsFor cuts notice into what it says about each recipient: from the
// first line naming it to the first line naming another one.
func segmentsFor(notice string, rcpts []string) map[string]string {
	lines := strings.Split(notice, "\n")
	first := make(map[string]int, len(rcpts))
	for _, r := range rcpts {
		first[r] = -1
	}
	var starts []int
	for i, line := range lines {
		for _, a := range addresses(line) {
			if at, ok := first[a]; ok && at < 0 {
				first[a] = i
				starts = append(starts, i) // ascending: lines are visited in order
			}
		}
	}
	out := make(map[string]string, len(rcpts))
	for _, r := range rcpts {
		start := first[r]
		if start < 0 {
			continue
		}
		end := len(lines)
		if k := sort.SearchInts(starts, start+1); k < len(starts) {
			end = starts[k]
		}
		out[r] = strings.Join(lines[start:end], "\n")
	}
	return out
}

var delayWords = regexp.MustCompile(`(?i)warning message only|this is a warning|still being retried|` +
	`will be retried|will continue to try|has been postponed|advisory[- ]only|\(delay\)|delayed mail|` +
	`delivery has been delayed|has not yet been delivered|delivery delayed|mail delivery warning`)

// isDelayNotice reports whether a bounce only warns that delivery is late.
func isDelayNotice(subject, notice string) bool {
	return delayWords.MatchString(subject) || delayWords.MatchString(notice)
}

var (
	bounceSubject = regexp.MustCompile(`(?i)undeliver|undelivered|delivery status notification|` +
		`failure notice|returned mail|mail delivery failed|delivery fail|could not be delivered|` +
		`mail delivery warning|delayed mail|warning: could not send|non[- ]?delivery|nondeliverable|` +
		`returned to sender|mail delivery system|delivery notification|unzustellbar|non remis|` +
		`non recapitabile|no se puede entregar|onbestelbaar|message not delivered|` +
		`teslim edile(me|mey)|iletilemedi|g[öo]nderilemedi|недоставленное|не доставлено`)
	daemonSender = regexp.MustCompile(`(?i)mailer[-_]?daemon|postmaster|mail delivery|mail-?daemon`)
	bounceBody   = regexp.MustCompile(`(?i)could not be delivered|couldn't be delivered|delivery has failed|` +
		`did not reach|permanent error|undeliverable|following recipient|address(\(es\))? failed|` +
		`unable to deliver|was not delivered|delivery failed|failed permanently|could not be reached|` +
		`been delayed|qmail-send program|delivery to the following|` +
		`teslim edeme|teslim edilemedi|kal[ıi]c[ıi] bir hata|не удалось доставить`)
)

// looksLikeBounce tells a free-text bounce from other mail.
func looksLikeBounce(m *parsed, notice string) bool {
	if m.header.Get("X-Failed-Recipients") != "" || m.reportType == "delivery-status" {
		return true
	}
	if bounceSubject.MatchString(m.subject) {
		return true
	}
	return daemonSender.MatchString(m.header.Get("From")) && bounceBody.MatchString(notice)
}

// fromText reads a bounce without a delivery-status part (qmail, Exchange,
// old Gmail, Exim, hMailServer, ...).
func fromText(m *parsed) []Report {
	full := m.notice()
	notice := cutNotice(full)
	if !looksLikeBounce(m, notice) {
		return nil
	}
	rcpts := addresses(m.header.Get("X-Failed-Recipients"))
	if len(rcpts) == 0 {
		rcpts = candidates(notice, correspondents(m))
	}
	if len(rcpts) == 0 {
		rcpts = candidates(m.originalHeader("To"), correspondents(m))
	}
	final := !isDelayNotice(m.subject, notice)
	if len(rcpts) == 0 {
		return []Report{textReport("", notice, final)}
	}
	segments := segmentsFor(notice, rcpts)
	reports := make([]Report, 0, len(rcpts))
	for _, r := range rcpts {
		seg, ok := segments[r]
		if !ok {
			seg = notice
		}
		reports = append(reports, textReport(r, seg, final))
	}
	return reports
}

func textReport(rcpt, text string, final bool) Report {
	status := pickStatus(statusesIn(text)...)
	reason := reasonOf(status, final, "", text)
	return Report{Recipient: rcpt, Class: classOf(reason, final), Reason: reason,
		Status: status, Diagnostic: clip(text)}
}

// statusesIn returns every enhanced status code in s.
func statusesIn(s string) []string {
	var out []string
	for _, m := range statusPattern.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// correspondents are the addresses a bounce is from or to, and the sender of
// the original: never the recipient that failed.
func correspondents(m *parsed) map[string]bool {
	out := map[string]bool{}
	for _, k := range []string{"From", "To", "Cc", "Reply-To", "Return-Path", "Sender", "Delivered-To",
		"X-Original-To", "Envelope-To"} {
		for _, a := range addresses(strings.Join(m.header.Values(k), ",")) {
			out[a] = true
		}
	}
	for _, k := range []string{"From", "Sender", "Return-Path", "Reply-To"} {
		for _, a := range addresses(m.originalHeader(k)) {
			out[a] = true
		}
	}
	return out
}

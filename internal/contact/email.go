package contact

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// EmailResult is the outcome of normalising one e-mail cell.
type EmailResult struct {
	Address    string   // normalised address, "" when missing/invalid
	Suggestion string   // likely intended address when a provider typo is suspected
	Extra      []string // further addresses found in the same cell (normalised), kept apart
	Flags      []Flag   // subset of email_missing, email_invalid, email_typo_suspected
	// Detail gives plain words for the manager, e.g. "no domain after @"; it never
	// echoes the address itself.
	Detail string
	Role   bool // role account such as info@, satis@, sales@
	// Disposable: the domain is a throwaway-mailbox service (mailinator.com, ...).
	Disposable bool
}

// Details given for e-mail cells; they never contain the cell's text.
const (
	detailEmailMissing   = "no e-mail address given"
	detailEmailNoAt      = "the e-mail has no @"
	detailEmailNoAtSpace = "the e-mail has no @ between the name and the domain"
	detailEmailName      = "the e-mail cell holds a name, not an address"
	detailEmailPhone     = "the e-mail cell holds a phone number, not an address"
	detailEmailSeveral   = "the e-mail cell holds more than one address; the first is used"
	detailEmailGlued     = "the e-mail has a comma or semicolon inside the address"
)

var (
	// mailtoPrefix matches a leading mailto: URI scheme in any letter case.
	mailtoPrefix = regexp.MustCompile(`(?i)^mailto:\s*`)
	// gluedWord matches a word without @ glued by a comma or semicolon to the
	// front of an address ("ali,veli@example.com").
	gluedWord = regexp.MustCompile(`(^|[\s<"(])[^\s,;<>@"()]+[,;][^\s,;<>@"()]+@`)
	// spacesAroundAt matches blanks typed around the @.
	spacesAroundAt = regexp.MustCompile(`\s*@\s*`)
	// angleBrackets turns the brackets of an angle address, paired or stray, into blanks.
	angleBrackets = strings.NewReplacer("<", " ", ">", " ")
	// displayName matches a quoted display name and the < that follows it.
	displayName = regexp.MustCompile(`"[^"]*"\s*<`)
	// bareDomain matches a word that looks like a domain: dotted labels, TLD of letters.
	bareDomain = regexp.MustCompile(`(?i)^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}$`)
)

// NormalizeEmail cleans and checks one e-mail cell. It trims spaces and invisible
// characters, takes the address out of mailto: and display-name forms, keeps the first
// of several addresses (the rest go to Extra), lower-cases the address with
// language-neutral rules, converts an internationalised domain to punycode and checks
// the syntax. A provider typo (gmial.com) is kept as typed, with a Suggestion and the
// email_typo_suspected flag; it is never corrected.
func NormalizeEmail(raw string) EmailResult {
	s := cleanText(raw)
	if IsPlaceholder(s) {
		return EmailResult{Flags: []Flag{FlagEmailMissing}, Detail: detailEmailMissing}
	}
	// Width folding (NFKC): fullwidth letters and ＠ typed on an East Asian
	// keyboard layout become ASCII, as they do for phone numbers.
	s = stripMailto(norm.NFKC.String(s))
	if s == "" {
		return EmailResult{Flags: []Flag{FlagEmailMissing}, Detail: detailEmailMissing}
	}
	if gluedWord.MatchString(s) {
		// "ali,veli@example.com": a word glued to an address by a comma is no
		// list of addresses; neither "veli@" nor "ali" can be told to be meant.
		return EmailResult{Flags: []Flag{FlagEmailInvalid}, Detail: detailEmailGlued}
	}
	cands := addressCandidates(s)
	if len(cands) == 0 {
		return EmailResult{Flags: []Flag{FlagEmailInvalid}, Detail: describeNoAt(s)}
	}
	res := checkCandidate(cands[0])
	for _, c := range cands[1:] {
		x := checkCandidate(c)
		if x.Address != "" && x.Address != res.Address && !slices.Contains(res.Extra, x.Address) {
			res.Extra = append(res.Extra, x.Address)
		}
	}
	if len(res.Extra) > 0 && res.Address != "" {
		res.Flags = append(res.Flags, FlagEmailSeveral)
		if res.Detail == "" {
			res.Detail = detailEmailSeveral
		}
	}
	return res
}

// stripMailto drops a leading mailto: and the ?query that may follow the address.
func stripMailto(s string) string {
	loc := mailtoPrefix.FindStringIndex(s)
	if loc == nil {
		return s
	}
	s = s[loc[1]:]
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// addressCandidates returns the address-like words of a cell, in order: quoted
// display names before a <...> are dropped, angle brackets (paired or stray) become
// blanks, blanks around an @ are closed up, and the cell is split at ; , / and blanks
// (outside double quotes); the words holding an @ are kept.
func addressCandidates(s string) []string {
	s = displayName.ReplaceAllString(s, "<")
	s = angleBrackets.Replace(s)
	s = spacesAroundAt.ReplaceAllString(strings.TrimSpace(s), "@")
	var out []string
	for _, w := range splitOutsideQuotes(s) {
		w = stripMailto(trimWrapping(w))
		if strings.Contains(w, "@") {
			out = append(out, w)
		}
	}
	return out
}

// splitOutsideQuotes splits s at ; , / and blanks that are not inside double quotes.
func splitOutsideQuotes(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, escaped := false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case inQuote && r == '\\':
			escaped = true
		case r == '"':
			inQuote = !inQuote
		case !inQuote && (r == ';' || r == ',' || r == '/' || r == ' '):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// trimWrapping removes brackets and quotes wrapped around a whole word.
func trimWrapping(w string) string {
	w = strings.Trim(w, "()[]{}'`")
	if len(w) >= 2 && w[0] == '"' && w[len(w)-1] == '"' {
		w = w[1 : len(w)-1]
	}
	return w
}

// describeNoAt explains, in plain words, a cell that holds no @ at all.
func describeNoAt(s string) string {
	digits, letters := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLetter(r):
			letters++
		}
	}
	switch {
	case digits >= 7 && letters == 0:
		return detailEmailPhone
	case hasDomainWord(s):
		return detailEmailNoAtSpace
	case strings.Contains(s, " ") || letters > 0 && !strings.Contains(s, "."):
		return detailEmailName
	}
	return detailEmailNoAt
}

// hasDomainWord reports whether some word of s ends like a domain (example.com).
func hasDomainWord(s string) bool {
	for _, w := range strings.Fields(s) {
		if strings.Contains(w, ".") && bareDomain.MatchString(strings.TrimRight(w, ".")) {
			return true
		}
	}
	return false
}

package contact

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Limits of RFC 5321 section 4.5.3.1 and RFC 1035.
const (
	maxLocalLen  = 64
	maxDomainLen = 253
	maxLabelLen  = 63
)

// dottedCapitalI maps the capital dotted I, composed or not, and a lower-case i with a
// combining dot to a plain i, so that IDNA does not keep the dot (U+0307).
var dottedCapitalI = strings.NewReplacer("I\u0307", "i", "İ", "i", "i\u0307", "i")

// atextPunct is the punctuation RFC 5322 allows in an unquoted local part (atext).
const atextPunct = "!#$%&'*+-/=?^_`{|}~"

// checkCandidate normalises and checks one address-like word of an e-mail cell.
func checkCandidate(c string) EmailResult {
	c = strings.TrimRight(c, ".")
	local, domain, detail := splitAtSign(c)
	if detail != "" {
		return invalidEmail(detail, "")
	}
	local = strings.ToLower(local)
	if detail = checkLocal(local); detail != "" {
		return invalidEmail(detail, "")
	}
	ascii, detail := normalizeDomain(domain)
	if detail != "" {
		return invalidEmail(detail, suggestMissingTLD(local, domain))
	}
	res := EmailResult{Address: local + "@" + ascii, Role: isRoleLocal(local),
		Disposable: isDisposableDomain(ascii)}
	if fix := suggestDomain(ascii); fix != "" {
		res.Suggestion = local + "@" + fix
		res.Flags = []Flag{FlagEmailTypoSuspected}
		res.Detail = "the e-mail domain looks like a misspelling of " + fix
	}
	return res
}

// invalidEmail is the result for an address that cannot be recovered.
func invalidEmail(detail, suggestion string) EmailResult {
	return EmailResult{
		Flags:      []Flag{FlagEmailInvalid},
		Detail:     detail,
		Suggestion: suggestion,
	}
}

// splitAtSign splits an address at its @, keeping a quoted local part whole. It
// returns a plain-words reason when the @ is missing, doubled or has nothing around it.
func splitAtSign(c string) (local, domain, detail string) {
	if strings.HasPrefix(c, `"`) {
		end := closingQuote(c)
		if end < 0 || end+1 >= len(c) || c[end+1] != '@' {
			return "", "", "the quoted part before the @ is not closed properly"
		}
		local, domain = c[:end+1], c[end+2:]
	} else {
		switch n := strings.Count(c, "@"); {
		case strings.Contains(c, "@@"):
			return "", "", "the e-mail has two @ signs in a row"
		case n == 0:
			return "", "", detailEmailNoAt
		case n > 1:
			return "", "", "the e-mail has more than one @"
		}
		local, domain, _ = strings.Cut(c, "@")
	}
	switch {
	case local == "":
		return "", "", "the e-mail has nothing before the @"
	case domain == "":
		return "", "", "the e-mail has no domain after the @"
	case strings.Contains(domain, "@"):
		return "", "", "the e-mail has more than one @"
	}
	return local, domain, ""
}

// closingQuote returns the index of the quote that closes the quoted string at the
// start of s, or -1.
func closingQuote(s string) int {
	escaped := false
	for i := 1; i < len(s); i++ {
		switch {
		case escaped:
			escaped = false
		case s[i] == '\\':
			escaped = true
		case s[i] == '"':
			return i
		}
	}
	return -1
}

// checkLocal checks a lower-cased local part: a dot-atom, or a quoted string.
func checkLocal(local string) string {
	if len(local) > maxLocalLen {
		return "the part before the @ is longer than 64 characters"
	}
	if strings.HasPrefix(local, `"`) {
		return checkQuotedLocal(local[1 : len(local)-1])
	}
	switch {
	case strings.HasPrefix(local, ".") || strings.HasSuffix(local, "."):
		return "the part before the @ starts or ends with a dot"
	case strings.Contains(local, ".."):
		return "the part before the @ has two dots in a row"
	}
	for _, r := range local {
		if !isAtext(r) && r != '.' {
			return "the part before the @ contains a character that is not allowed"
		}
	}
	return ""
}

// checkQuotedLocal checks the inside of a quoted local part (RFC 5321 Quoted-string).
func checkQuotedLocal(inner string) string {
	escaped := false
	for _, r := range inner {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case r == '"' || r < ' ' || r == 0x7f:
			return "the quoted part before the @ contains a character that is not allowed"
		}
	}
	return ""
}

// isAtext reports whether r may appear in an unquoted local part; non-ASCII letters
// and digits are allowed as SMTPUTF8 (RFC 6531) accepts them.
func isAtext(r rune) bool {
	if r >= utf8.RuneSelf {
		return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
	}
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		strings.ContainsRune(atextPunct, r)
}

// normalizeDomain lower-cases the domain (mapping a capital İ to i first, so that
// MÜŞTERİ becomes müşteri and not müşteri̇), converts it to its IDNA A-label with the
// Lookup profile and checks it. It returns the ASCII domain or a plain-words reason.
func normalizeDomain(d string) (string, string) {
	d = dottedCapitalI.Replace(d)
	d = strings.ToLower(d)
	switch {
	case strings.Contains(d, ".."):
		return "", "the domain has two dots in a row"
	case strings.HasPrefix(d, "."):
		return "", "the domain starts with a dot"
	case !strings.Contains(d, "."):
		return "", "the domain has no ending such as .com"
	}
	for _, label := range strings.Split(d, ".") {
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "", "a part of the domain starts or ends with a hyphen"
		}
	}
	ascii, err := idna.Lookup.ToASCII(d)
	if err != nil {
		return "", "the domain contains characters that are not allowed"
	}
	if uni, err := idna.Lookup.ToUnicode(ascii); err != nil || !idna2008Letters(uni) {
		return "", "the domain contains characters that are not allowed"
	}
	return ascii, checkASCIIDomain(ascii)
}

// idna2008Letters reports whether a lower-case domain holds only what IDNA2008
// (RFC 5892) lets a label hold: letters, combining marks, digits, hyphens (and
// the dots between labels). x/net/idna implements UTS #46, which still accepts
// symbols such as emoji (ali@😀.com); IDNA2008 disallows them.
func idna2008Letters(d string) bool {
	for _, r := range d {
		if r < utf8.RuneSelf {
			if !isLDHByte(byte(r)) && r != '.' {
				return false
			}
			continue
		}
		if !(unicode.IsLetter(r) && !unicode.IsUpper(r) || unicode.In(r, unicode.Mn, unicode.Mc) ||
			unicode.Is(unicode.Nd, r)) {
			return false
		}
	}
	return true
}

// checkASCIIDomain checks an A-label domain: LDH labels of 1 to 63 characters, at
// most 253 characters in all, and a top-level domain of two letters or more.
func checkASCIIDomain(d string) string {
	if len(d) > maxDomainLen {
		return "the domain is too long"
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if l == "" || len(l) > maxLabelLen || !isLDH(l) {
			return "the domain contains characters that are not allowed"
		}
	}
	if !isTLD(labels[len(labels)-1]) {
		return "the domain ending (such as .com) is not valid"
	}
	return ""
}

// isLDH reports whether a label holds only letters, digits and hyphens.
func isLDH(l string) bool {
	for i := 0; i < len(l); i++ {
		if !isLDHByte(l[i]) {
			return false
		}
	}
	return true
}

// isLDHByte reports whether c is a lower-case letter, a digit or a hyphen.
func isLDHByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}

// isTLD reports whether l can be a top-level domain: two letters or more, or an
// internationalised (xn--) label.
func isTLD(l string) bool {
	if strings.HasPrefix(l, "xn--") {
		return len(l) > 4
	}
	if len(l) < 2 {
		return false
	}
	for i := 0; i < len(l); i++ {
		if l[i] < 'a' || l[i] > 'z' {
			return false
		}
	}
	return true
}

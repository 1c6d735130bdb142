package bounce

import (
	"regexp"
	"strings"
)

// addressPattern finds e-mail addresses in free text: a dot-atom or quoted
// local part and a domain whose last label starts with a letter.
var addressPattern = regexp.MustCompile(
	`(?:"[^"\n@<>]+"|[A-Za-z0-9!#$%'*+?^_{|}~.\-]+)@` +
		`(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]`)

// addresses returns the addresses in s, lower-cased, in order, without repeats.
func addresses(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range addressPattern.FindAllString(s, -1) {
		a = normalizeAddress(a)
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// firstAddress returns the first address in s, "" when there is none.
func firstAddress(s string) string {
	if a := addresses(s); len(a) > 0 {
		return a[0]
	}
	return ""
}

// normalizeAddress lower-cases an address and trims the punctuation free text
// leaves around it; quotes around a local part are kept.
func normalizeAddress(a string) string {
	a = strings.TrimSpace(a)
	a = strings.TrimPrefix(a, "<")
	a = strings.TrimSuffix(a, ">")
	a = strings.Trim(a, ".'")
	if !strings.HasPrefix(a, `"`) {
		a = strings.Trim(a, `"`)
	}
	if strings.Count(a, "@") == 0 {
		return ""
	}
	return strings.ToLower(a)
}

// dsnAddress reads an address-type;address value ("rfc822; a@b.example").
func dsnAddress(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 && !strings.ContainsAny(v[:i], "@\"") {
		v = v[i+1:]
	}
	v = strings.TrimSpace(v)
	if a := firstAddress(v); a != "" {
		return a
	}
	return normalizeAddress(v)
}

// systemLocalParts are mailboxes that send or relay bounces, never recipients
// a bounce is about.
var systemLocalParts = map[string]bool{
	"mailer-daemon": true, "mailer_daemon": true, "mailerdaemon": true,
	"postmaster": true, "mail-daemon": true, "hostmaster": true,
}

func isSystemAddress(a string) bool {
	local, _, _ := strings.Cut(a, "@")
	return systemLocalParts[strings.Trim(local, `"`)]
}

var messageIDPattern = regexp.MustCompile(`<[^<>\s]+@[^<>\s]+>|<[^<>\s]+>`)

// firstMessageID returns the first <id> in a Message-ID, In-Reply-To or
// References value.
func firstMessageID(v string) string {
	return messageIDPattern.FindString(v)
}

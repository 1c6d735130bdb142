package contact

import "strings"

// mailProvider is a big consumer mail provider: its name (the first label of its
// domains) and the endings it really uses, most common first.
type mailProvider struct {
	name    string
	endings []string
	// fuzzy is true when a name one edit away is taken as a typo of this provider;
	// short or generic names (mail, aol) are matched exactly only.
	fuzzy bool
}

// mailProviders is read-only. Exact names come first so that mail.com and ymail.com
// are never taken for typos of gmail.com.
var mailProviders = []mailProvider{
	{name: "gmail", endings: []string{"com"}, fuzzy: true},
	{name: "googlemail", endings: []string{"com"}, fuzzy: true},
	{name: "hotmail", endings: []string{
		"com", "com.tr", "co.uk", "de", "fr", "it", "es", "nl", "be",
	}, fuzzy: true},
	{name: "outlook", endings: []string{"com", "com.tr", "de", "fr", "it", "es"}, fuzzy: true},
	{name: "yahoo", endings: []string{
		"com", "com.tr", "co.uk", "de", "fr", "it", "es", "co.jp",
	}, fuzzy: true},
	{name: "icloud", endings: []string{"com"}, fuzzy: true},
	{name: "yandex", endings: []string{"com", "com.tr", "ru", "ua", "kz", "by"}, fuzzy: true},
	{name: "mail", endings: []string{"com", "ru"}},
	{name: "email", endings: []string{"com"}},
	{name: "ymail", endings: []string{"com"}},
	{name: "live", endings: []string{"com", "co.uk", "de", "fr"}},
	{name: "msn", endings: []string{"com"}},
	{name: "aol", endings: []string{"com"}},
	{name: "gmx", endings: []string{"com", "de", "net", "at", "ch"}},
	{name: "me", endings: []string{"com"}},
	{name: "mac", endings: []string{"com"}},
	{name: "mynet", endings: []string{"com"}},
	{name: "protonmail", endings: []string{"com"}, fuzzy: true},
}

// endingTypos maps a mistyped domain ending to the intended one. "cm" is Cameroon's
// code, but on a big provider's name it is a typo for "com".
var endingTypos = map[string]string{
	"con": "com", "cm": "com", "co": "com", "cmo": "com", "ocm": "com", "comm": "com",
	"vom": "com", "xom": "com", "cpm": "com", "om": "com", "coom": "com", "c0m": "com",
	"con.tr": "com.tr", "cm.tr": "com.tr", "com.t": "com.tr", "comtr": "com.tr",
}

// suggestDomain returns the provider domain an ASCII domain probably meant to be
// (gmial.com → gmail.com, gmail.con → gmail.com, hotmal.com.tr → hotmail.com.tr),
// or "" when the domain is a real provider domain or not close to one.
func suggestDomain(d string) string {
	name, ending, ok := strings.Cut(d, ".")
	if !ok {
		return ""
	}
	fixedEnding := ending
	if e, ok := endingTypos[ending]; ok {
		fixedEnding = e
	}
	for _, p := range mailProviders {
		if p.name == name {
			return p.fixFor(d, fixedEnding)
		}
	}
	for _, p := range mailProviders {
		if p.fuzzy && len(name) >= 3 && editDistance(name, p.name) == 1 {
			if fix := p.fixFor(d, fixedEnding); fix != "" {
				return fix
			}
		}
	}
	return ""
}

// fixFor returns the provider's domain with the given ending when the provider uses
// that ending and it differs from d, else "".
func (p mailProvider) fixFor(d, ending string) string {
	for _, e := range p.endings {
		if e == ending {
			if fix := p.name + "." + e; fix != d {
				return fix
			}
			return ""
		}
	}
	return ""
}

// suggestMissingTLD returns local@gmail.com for an address whose domain is a bare
// provider name such as "gmail", else "".
func suggestMissingTLD(local, domain string) string {
	d := strings.ToLower(domain)
	for _, p := range mailProviders {
		if p.fuzzy && p.name == d {
			return local + "@" + p.name + "." + p.endings[0]
		}
	}
	return ""
}

// editDistance is the optimal-string-alignment distance between a and b: insertions,
// deletions, substitutions and swaps of two neighbouring letters each count one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// roleLocals are local parts (or their first dot-separated word) of shared role
// mailboxes rather than a person.
var roleLocals = map[string]bool{
	"info": true, "bilgi": true, "satis": true, "sales": true, "admin": true,
	"iletisim": true, "contact": true, "muhasebe": true, "accounting": true,
	"destek": true, "support": true, "noreply": true, "no-reply": true,
	"donotreply": true, "satinalma": true, "purchasing": true, "ik": true, "hr": true,
	"office": true, "ofis": true, "hello": true, "merhaba": true, "help": true,
	"yardim": true, "webmaster": true, "postmaster": true, "hostmaster": true,
	"abuse": true, "billing": true, "fatura": true, "finans": true, "finance": true,
	"marketing": true, "pazarlama": true, "kariyer": true, "careers": true,
	"jobs": true, "press": true, "basin": true, "service": true, "servis": true,
	"musterihizmetleri": true, "siparis": true, "orders": true, "team": true,
	"ekip": true, "genel": true, "yonetim": true, "sekreterya": true,
	"rezervasyon": true, "teknik": true, "it": true, "mail": true, "bilgiislem": true,
}

// isRoleLocal reports whether a lower-cased local part names a role mailbox
// (info@, satis.ankara@, sales+tr@) rather than a person.
func isRoleLocal(local string) bool {
	l := strings.Trim(local, `"`)
	if i := strings.IndexByte(l, '+'); i >= 0 {
		l = l[:i]
	}
	if roleLocals[l] {
		return true
	}
	first, _, _ := strings.Cut(l, ".")
	if roleLocals[first] {
		return true
	}
	first, _, _ = strings.Cut(first, "_")
	return roleLocals[first]
}

// disposableDomains are throwaway-mailbox services: an address there reaches no one
// for long. The list holds the big ones; a subdomain counts as its parent.
var disposableDomains = map[string]bool{
	"mailinator.com": true, "guerrillamail.com": true, "guerrillamail.net": true,
	"guerrillamail.org": true, "guerrillamailblock.com": true, "sharklasers.com": true,
	"grr.la": true, "10minutemail.com": true, "10minutemail.net": true,
	"temp-mail.org": true, "tempmail.com": true, "tempmail.net": true, "tempmailo.com": true,
	"tempr.email": true, "tmpmail.org": true, "yopmail.com": true, "yopmail.fr": true,
	"yopmail.net": true, "trashmail.com": true, "trashmail.de": true, "getnada.com": true,
	"nada.email": true, "dispostable.com": true, "maildrop.cc": true,
	"throwawaymail.com": true, "fakeinbox.com": true, "mailnesia.com": true,
	"mintemail.com": true, "emailondeck.com": true, "mohmal.com": true, "moakt.com": true,
	"tempail.com": true, "spamgourmet.com": true, "mailcatch.com": true,
	"discard.email": true, "burnermail.io": true, "mytemp.email": true,
	"emailfake.com": true, "getairmail.com": true, "spambox.us": true,
	"mailpoof.com": true, "inboxkitten.com": true, "minuteinbox.com": true,
}

// isDisposableDomain reports whether an ASCII domain is, or is under, a disposable
// mailbox service.
func isDisposableDomain(domain string) bool {
	for d := domain; d != ""; {
		if disposableDomains[d] {
			return true
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok {
			return false
		}
		d = rest
	}
	return false
}

package bounce

import (
	"strings"
	"unicode"
)

// Keyword is what an inbound SMS asks for.
type Keyword int

// Keywords of inbound SMS.
const (
	NoKeyword Keyword = iota
	OptOutKeyword
	OptInKeyword
)

// optOutWords and optInWords are the keywords in upper case, after Turkish
// case mapping (so "iptal" is "İPTAL"); dotless and dotted forms are both
// listed because phones without a Turkish keyboard send IPTAL and BASLA.
var (
	optOutWords = map[string]bool{
		"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true,
		"QUİT": true, "QUIT": true, "İPTAL": true, "IPTAL": true, "RET": true,
	}
	optInWords = map[string]bool{
		"START": true, "UNSTOP": true, "BAŞLA": true, "BASLA": true,
	}
)

// SMSKeyword reads an inbound SMS: STOP, İPTAL or RET (any case, Turkish case
// rules: "iptal" and "İptal" alike) opt out of SMS; START or BAŞLA opt back
// in. Only a message that is just the keyword counts, with surrounding space
// and punctuation ignored, as carriers do: "stop calling me at work" is not a
// keyword.
func SMSKeyword(body string) Keyword {
	word := strings.TrimFunc(body, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	})
	word = strings.ToUpperSpecial(unicode.TurkishCase, word)
	switch {
	case optOutWords[word]:
		return OptOutKeyword
	case optInWords[word]:
		return OptInKeyword
	}
	return NoKeyword
}

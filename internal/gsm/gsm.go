// Package gsm counts the SMS segments a text takes, in the encodings a
// Turkish SMS can travel in: the GSM 7-bit default alphabet (3GPP TS 23.038),
// the same with the Turkish national language shift tables, and UCS-2. It can
// also transliterate Turkish letters to the default alphabet.
package gsm

import (
	"strings"
	"unicode/utf16"
)

// Encoding is how a text is encoded on the air.
type Encoding string

// Encodings, cheapest first when several fit.
const (
	// GSM7 is the default alphabet and its extension table.
	GSM7 Encoding = "gsm7"
	// GSM7TurkishSingle is the default alphabet with the Turkish single shift
	// table (Ş ş Ğ ğ İ ı ç € as escape pairs).
	GSM7TurkishSingle Encoding = "gsm7+tr_single"
	// GSM7TurkishLocking is the Turkish locking shift table (Ş ş Ğ ğ İ ı ç in
	// one septet each) with the Turkish single shift table.
	GSM7TurkishLocking Encoding = "gsm7+tr_locking"
	// UCS2 is UTF-16: any text, 70 characters a message.
	UCS2 Encoding = "ucs2"
)

// Count is how a text is sent in one encoding.
type Count struct {
	Encoding Encoding
	// Units are septets (GSM 7-bit) or UTF-16 code units (UCS-2).
	Units int
	// Segments is the number of SMS the text takes; billed per segment.
	Segments int
	// PerSegment is how many units fit in each segment of a text that takes
	// more than one (a single segment holds a few more: no concatenation
	// header).
	PerSegment int
}

// capacity is units in a single message and per part of a concatenated one.
// User data is 140 octets: 160 septets or 70 UCS-2 units, less the user data
// header (UDH) — 6 octets for concatenation, 3 more per national language
// shift table — rounded up to whole septets for 7-bit text.
var capacity = map[Encoding][2]int{
	GSM7:               {160, 153},
	GSM7TurkishSingle:  {155, 149}, // UDH 4 / 9 octets
	GSM7TurkishLocking: {152, 146}, // UDH 7 / 12 octets
	UCS2:               {70, 67},
}

// Best returns the cheapest way to send text: the fewest segments, and the
// plainest encoding among equals (not every operator supports the Turkish
// tables; GSM-7 and UCS-2 work everywhere).
func Best(text string) Count {
	best := CountAs(text, UCS2)
	for _, enc := range []Encoding{GSM7TurkishLocking, GSM7TurkishSingle, GSM7} {
		if c, ok := countGSM(text, enc); ok && c.Segments <= best.Segments {
			best = c
		}
	}
	return best
}

// All returns the count in each encoding text fits: always UCS-2, and the
// GSM 7-bit variants whose tables hold every character.
func All(text string) []Count {
	var out []Count
	for _, enc := range []Encoding{GSM7, GSM7TurkishSingle, GSM7TurkishLocking} {
		if c, ok := countGSM(text, enc); ok {
			out = append(out, c)
		}
	}
	return append(out, CountAs(text, UCS2))
}

// CountAs counts text in UCS-2; for a GSM encoding it is countGSM's result,
// or UCS-2 when the text does not fit that encoding.
func CountAs(text string, enc Encoding) Count {
	if enc != UCS2 {
		if c, ok := countGSM(text, enc); ok {
			return c
		}
	}
	costs := make([]int, 0, len(text))
	for _, r := range text {
		costs = append(costs, len(utf16.Encode([]rune{r}))) // a surrogate pair is not split
	}
	return pack(UCS2, costs)
}

func countGSM(text string, enc Encoding) (Count, bool) {
	basic, ext := defaultBasic, defaultExtension
	switch enc {
	case GSM7TurkishSingle:
		ext = turkishSingle
	case GSM7TurkishLocking:
		basic, ext = turkishLocking, turkishSingle
	}
	costs := make([]int, 0, len(text))
	for _, r := range text {
		switch {
		case strings.ContainsRune(basic, r):
			costs = append(costs, 1)
		case strings.ContainsRune(ext, r):
			costs = append(costs, 2) // escape and the character; never split
		default:
			return Count{}, false
		}
	}
	return pack(enc, costs), true
}

// pack fills segments with characters of the given costs.
func pack(enc Encoding, costs []int) Count {
	single, multi := capacity[enc][0], capacity[enc][1]
	total := 0
	for _, c := range costs {
		total += c
	}
	count := Count{Encoding: enc, Units: total, Segments: 1, PerSegment: multi}
	if total <= single {
		return count
	}
	used := 0
	for _, c := range costs {
		if used+c > multi {
			count.Segments++
			used = 0
		}
		used += c
	}
	return count
}

// Character tables of 3GPP TS 23.038. The escape (0x1B) itself is left out:
// it is no character a text holds.
const (
	defaultBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	defaultExtension = "\f^{}\\[~]|€"
	// turkishLocking is the default table with €, ı, Ğ, ğ, Ş, ş, İ, ç in
	// place of è, ì, Ø, ø, Æ, æ, ¡, ¿.
	turkishLocking = "@£$¥€éùıòÇ\nĞğ\rÅåΔ_ΦΓΛΩΠΨΣΘΞŞşßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"İABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§çabcdefghijklmnopqrstuvwxyzäöñüà"
	// turkishSingle is the default extension table plus Ğ İ Ş ç ğ ı ş.
	turkishSingle = "\f^{}\\[~]|€ĞİŞçğış"
)

// transliteration maps the Turkish letters the default alphabet lacks to
// their plain Latin letters; Ç Ö Ü ö ü are in the default alphabet and stay.
var transliteration = strings.NewReplacer(
	"ş", "s", "Ş", "S", "ğ", "g", "Ğ", "G", "ı", "i", "İ", "I", "ç", "c",
	"â", "a", "Â", "A", "î", "i", "Î", "I", "û", "u", "Û", "U",
)

// Transliterate replaces Turkish letters outside the GSM default alphabet
// (ş ğ ı İ ç and the circumflexed vowels) with plain letters, so that a
// Turkish text travels as GSM-7 on any operator.
func Transliterate(text string) string { return transliteration.Replace(text) }

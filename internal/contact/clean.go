package contact

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// placeholders are cell values that mean "no value", in folded form (see placeholderKey).
var placeholders = map[string]bool{
	"-": true, "--": true, "---": true, ".": true, "?": true, "_": true,
	"yok": true, "yoktur": true, "bilinmiyor": true, "belirtilmemis": true, "bos": true,
	"[not provided]": true, "not provided": true, "[unknown]": true, "unknown": true,
	"n/a": true, "n.a.": true, "none": true, "null": true, "nil": true, "#n/a": true,
}

// IsPlaceholder reports whether s carries no value: empty, only spaces or invisible
// characters, or a filler such as "yok", "-", "bilinmiyor", "[not provided]" or "n/a".
func IsPlaceholder(s string) bool {
	c := cleanText(s)
	if c == "" {
		return true
	}
	// No filler holds a digit or is long: most cells are told apart without folding.
	if len(c) > maxPlaceholderBytes || strings.ContainsAny(c, "0123456789") {
		return false
	}
	return placeholders[placeholderKey(c)]
}

// maxPlaceholderBytes bounds the length of a cell that folds to a placeholder: the
// longest has 14 letters, and a letter folding to ASCII takes at most 2 bytes.
const maxPlaceholderBytes = 2 * 14

// placeholderKey folds s so that "YOK", "Yok" and "BİLİNMİYOR" meet "yok" and
// "bilinmiyor": Turkish lower case, then the Turkish letters mapped to ASCII.
func placeholderKey(s string) string {
	return asciiFoldTR(FoldTR(s))
}

// cleanText maps every kind of space (tab, no-break space, ...) to a plain space,
// drops invisible format and control characters (zero-width space, BOM, soft hyphen)
// and trims the result.
func cleanText(s string) string {
	if isPlainASCII(s) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cf, r), unicode.IsControl(r), r == unicode.ReplacementChar:
			// invisible: drop
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// isPlainASCII reports whether s holds only printable ASCII and plain spaces, which
// cleanText leaves as they are.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// collapseSpaces cleans s and joins its words with single spaces.
func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

// cleanValue is the text of a free-text cell: cleaned, single-spaced, composed (NFC)
// and empty when the cell is a placeholder. Composing comes last: a dropped invisible
// or broken character may have stood between a letter and its accent.
func cleanValue(s string) string {
	c := norm.NFC.String(collapseSpaces(s))
	if IsPlaceholder(c) {
		return ""
	}
	return c
}

// asciiFoldTR replaces the Turkish letters of a lower-case string by their ASCII look-alikes.
func asciiFoldTR(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'ı':
			return 'i'
		case 'ç':
			return 'c'
		case 'ğ':
			return 'g'
		case 'ö':
			return 'o'
		case 'ş':
			return 's'
		case 'ü':
			return 'u'
		case 'â':
			return 'a'
		case 'î':
			return 'i'
		case 'û':
			return 'u'
		}
		return r
	}, s)
}

package contact

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// combiningDotAbove is U+0307, left behind when a decomposed İ is lower-cased.
const combiningDotAbove = '\u0307'

// lowerTR lower-cases one rune with Turkish rules: I → ı, İ → i.
func lowerTR(r rune) rune {
	switch r {
	case 'I':
		return 'ı'
	case 'İ':
		return 'i'
	}
	return unicode.ToLower(r)
}

// upperTR upper-cases one rune with Turkish rules: i → İ, ı → I.
func upperTR(r rune) rune {
	switch r {
	case 'i':
		return 'İ'
	case 'ı':
		return 'I'
	}
	return unicode.ToUpper(r)
}

// TitleCaseTR returns s with the first letter of every word upper-cased and the other
// letters lower-cased, using Turkish rules (İBRAHİM → İbrahim, IŞIK → Işık, ılgaz → Ilgaz).
// A letter after a space, hyphen or other non-letter starts a word; a letter after an
// apostrophe does not (Ahmet'in).
func TitleCaseTR(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	startOfWord := true
	for _, r := range s {
		switch {
		case r == combiningDotAbove:
			continue
		case unicode.IsLetter(r):
			if startOfWord {
				b.WriteRune(upperTR(r))
			} else {
				b.WriteRune(lowerTR(r))
			}
			startOfWord = false
		case unicode.In(r, unicode.Mn, unicode.Me):
			// An accent belongs to the letter before it: the word goes on.
			b.WriteRune(r)
		case r == '\'' || r == '’':
			b.WriteRune(r)
			startOfWord = false
		default:
			b.WriteRune(r)
			startOfWord = !unicode.IsDigit(r)
		}
	}
	return b.String()
}

// FoldTR returns a key for matching names without regard to letter case or spacing:
// Turkish lower case (İ → i, I → ı), invisible characters dropped, runs of spaces
// collapsed to one and the ends trimmed. "  EMRE  ÇETİN " and "Emre Çetin" fold alike.
func FoldTR(s string) string {
	s = collapseSpaces(norm.NFC.String(s))
	return strings.Map(func(r rune) rune {
		if r == combiningDotAbove {
			return -1
		}
		return lowerTR(r)
	}, s)
}

// normalizeName cleans one name cell: NFC, trimmed, single spaces, placeholders emptied,
// and every word written all upper-case or all lower-case put in Turkish title case.
// Words in mixed case (McDonald, DeLuca) are kept as written.
func normalizeName(s string) string {
	c := cleanValue(s)
	if c == "" {
		return ""
	}
	words := strings.Split(c, " ")
	for i, w := range words {
		if needsTitleCase(w) {
			words[i] = TitleCaseTR(w)
		}
	}
	// A letter whose case changed may compose with the accent after it (h + ̱ = ẖ).
	return norm.NFC.String(strings.Join(words, " "))
}

// needsTitleCase reports whether a name word is written all upper-case (two letters
// or more) or all lower-case.
func needsTitleCase(w string) bool {
	upper, lower := 0, 0
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	switch {
	case upper == 0:
		return lower > 0
	case lower == 0:
		return upper >= 2
	}
	return false
}

// splitFullName splits a whole-name cell: the last word is the surname, everything
// before it the first name. A single word is taken as the first name.
func splitFullName(full string) (first, last string) {
	n := normalizeName(full)
	if n == "" {
		return "", ""
	}
	i := strings.LastIndexByte(n, ' ')
	if i < 0 {
		return n, ""
	}
	return n[:i], n[i+1:]
}

package contact

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// digitZeros are the code points of the digit zero in the scripts that appear in
// phone cells; the nine digits after each follow it.
var digitZeros = []rune{
	0x0660, // Arabic-Indic
	0x06F0, // Extended Arabic-Indic (Persian)
	0x0966, // Devanagari
	0x09E6, // Bengali
	0xFF10, // fullwidth
}

// minVanityRun is the shortest run of letters read as a vanity word (1-800-SIX-FLAG);
// one or two letters among digits are typing errors (0 for O, 1 for l).
const minVanityRun = 3

var (
	// extensionSuffix matches an extension at the end of a phone cell: "dahili 12",
	// "Dahili: 12", "(dahili 12)", "ext. 5", "x5", "#5".
	extensionSuffix = regexp.MustCompile(
		`(?i)\(?\s*(dahili|dah\.|ext\.?|extension|int\.?|x|#)\s*[:.]?\s*(\d{1,7})\s*\)?\s*$`)
	// dashExtension matches a number, a dash between blanks and a few digits at
	// the end: "+90 212 555 12 34 - 123", an extension when the number before it
	// is whole.
	dashExtension = regexp.MustCompile(`^(.*\d)\s+[-–]\s+(\d{1,5})$`)
	// letterGroup matches a parenthesised note holding letters: "(WhatsApp)", "(iş)".
	letterGroup = regexp.MustCompile(`\([^()]*\pL[^()]*\)`)
	// trailingWords matches words of letters after the last digit: "... whatsapp".
	trailingWords = regexp.MustCompile(`(\d[\s)]*)\s[\pL\s.:]+$`)
)

// cleanPhoneText cleans a phone cell: invisible characters dropped, spaces unified,
// other digit scripts and the fullwidth plus mapped to ASCII, and the apostrophe Excel
// uses to force text removed.
func cleanPhoneText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\uFF0B' {
			return '+'
		}
		for _, z := range digitZeros {
			if r >= z && r <= z+9 {
				return '0' + (r - z)
			}
		}
		return r
	}, cleanText(s))
	s = strings.TrimSpace(strings.TrimLeft(s, "'’‘`"))
	// Excel's way of keeping a leading zero: the formula ="05321234567".
	if len(s) > 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	return s
}

// splitExtension removes an extension from the end of a number and returns it as digits.
func splitExtension(s string) (number, ext string) {
	if !strings.ContainsFunc(s, isLetterOrHash) {
		return s, "" // every extension form has a word or a #
	}
	m := extensionSuffix.FindStringSubmatchIndex(s)
	if m == nil {
		return s, ""
	}
	kw := m[2]
	if kw > 0 {
		prev := []rune(s[:kw])
		if unicode.IsLetter(prev[len(prev)-1]) {
			return s, ""
		}
	}
	return strings.TrimSpace(s[:m[0]]), s[m[4]:m[5]]
}

// stripLabels removes label text around a number ("Tel:", "Cep:", "GSM", "(WhatsApp)",
// a trailing "whatsapp") and reports letters typed among the digits. A run of three
// letters or more is left for libphonenumber to read as a vanity number.
func stripLabels(s string) (string, string) {
	hasLetters := strings.ContainsFunc(s, unicode.IsLetter)
	if hasLetters {
		s = letterGroup.ReplaceAllString(s, " ")
	}
	start := strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsDigit(r) || r == '+' || r == '('
	})
	if start < 0 {
		return "", detailPhoneNoDigits
	}
	if isLabel(s[:start]) {
		s = s[start:]
	}
	if !hasLetters {
		// Nothing below applies but the check for odd characters.
		s = strings.TrimSpace(s)
		if strings.ContainsFunc(s, isOddRune) {
			return "", detailPhoneOddChars
		}
		return s, ""
	}
	s = strings.TrimSpace(trailingWords.ReplaceAllString(s, "$1"))
	longest, run := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			run++
			longest = max(longest, run)
			continue
		}
		if run > 0 && run < minVanityRun {
			return "", detailPhoneLetters
		}
		run = 0
	}
	if run > 0 && run < minVanityRun {
		return "", detailPhoneLetters
	}
	if longest == 0 && strings.ContainsFunc(s, isOddRune) {
		return "", detailPhoneOddChars
	}
	return s, ""
}

// isLabel reports whether the text before a number is a label: letters, blanks and
// the punctuation that follows a label (Tel:, Cep -, GSM.).
func isLabel(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !strings.ContainsRune(" :.-#", r) {
			return false
		}
	}
	return true
}

// isLetterOrHash reports a letter or #.
func isLetterOrHash(r rune) bool { return r == '#' || unicode.IsLetter(r) }

// isOddRune reports characters that have no place in a phone number.
func isOddRune(r rune) bool {
	return !unicode.IsDigit(r) && !strings.ContainsRune(" +-.()", r)
}

// describeParseError gives plain words for a number libphonenumber could not parse.
func describeParseError(number string, err error) string {
	switch {
	case errors.Is(err, phonenumbers.ErrTooShortNSN),
		errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return detailPhoneShort
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return detailPhoneLong
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "unknown country code"
	}
	if phonenumbers.NormalizeDigitsOnly(number) == "" {
		return detailPhoneNoDigits
	}
	return "not a phone number"
}

// describeInvalid gives plain words for a parsed number that is not valid.
func describeInvalid(num *phonenumbers.PhoneNumber, number, region string) string {
	digits := phonenumbers.NormalizeDigitsOnly(number)
	switch {
	case foreignLostPlus(number, region):
		return "looks like a foreign number that lost its leading +"
	case phonenumbers.IsValidShortNumberForRegion(num, region):
		return "a short service or emergency number, not a contact number"
	case strings.Trim(digits, "0") == "":
		return "all zeros"
	}
	switch possibleReason(num) {
	case phonenumbers.TOO_SHORT:
		return detailPhoneShort
	case phonenumbers.TOO_LONG:
		return detailPhoneLong
	case phonenumbers.INVALID_LENGTH:
		return lengthDetail(num)
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "unknown country code"
	}
	return "no such number range (unknown area code or prefix)"
}

// lengthDetail tells whether a number of impossible length is short or long, by
// comparing it with the example number of its country.
func lengthDetail(num *phonenumbers.PhoneNumber) string {
	region := phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
	example := phonenumbers.GetExampleNumber(region)
	if example == nil {
		return "wrong number of digits"
	}
	got := len(strings.TrimLeft(phonenumbers.GetNationalSignificantNumber(num), "0"))
	want := len(phonenumbers.GetNationalSignificantNumber(example))
	switch {
	case got < want:
		return detailPhoneShort
	case got > want:
		return detailPhoneLong
	}
	return "wrong number of digits"
}

// possibleReason is libphonenumber's length verdict on num; a trunk 0 the library
// kept in the national number (when stripping it gave no valid number) is not counted.
func possibleReason(num *phonenumbers.PhoneNumber) phonenumbers.ValidationResult {
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	trimmed := strings.TrimLeft(nsn, "0")
	if trimmed == nsn || trimmed == "" {
		return phonenumbers.IsPossibleNumberWithReason(num)
	}
	cc := strconv.Itoa(int(num.GetCountryCode()))
	alt, err := phonenumbers.Parse("+"+cc+trimmed, "ZZ")
	if err != nil {
		return phonenumbers.IsPossibleNumberWithReason(num)
	}
	return phonenumbers.IsPossibleNumberWithReason(alt)
}

// foreignLostPlus reports whether a bare run of digits becomes a valid number of
// another country when a + is put in front (4915123456789 read in TR).
func foreignLostPlus(number, region string) bool {
	digits := phonenumbers.NormalizeDigitsOnly(number)
	if hasDialPrefix(number) || digits == "" {
		return false
	}
	alt, err := phonenumbers.Parse("+"+digits, region)
	return err == nil && phonenumbers.IsValidNumber(alt) &&
		phonenumbers.GetRegionCodeForNumber(alt) != region
}

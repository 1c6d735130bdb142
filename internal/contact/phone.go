package contact

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"google.golang.org/protobuf/proto"
)

// DefaultRegion is the region a phone number without a country code is read in when
// no other region is known.
const DefaultRegion = "TR"

// PhoneResult is the outcome of normalising one phone cell.
type PhoneResult struct {
	E164      string    // "" unless valid
	Type      PhoneType // mobile, fixed_line, ..., invalid, missing
	Region    string    // region detected for a valid number, else the region used
	Extension string    // "dahili 12", "ext. 5", "x5" kept apart (digits only)
	Extra     []string  // further valid numbers found in the same cell (E.164)
	// Detail gives plain words for the manager: "too short", "Excel scientific
	// notation lost digits", ...; it never echoes the number itself.
	Detail string
}

// Details given for phone cells; they never contain the cell's text.
const (
	detailPhoneMissing    = "no phone number given"
	detailPhoneScientific = "Excel scientific notation lost digits; the number cannot be recovered"
	detailPhoneLetters    = "letters typed in place of digits"
	detailPhoneNoDigits   = "no digits in the phone cell"
	detailPhoneOddChars   = "the phone cell holds characters that have no place in a number"
	detailPhoneSeveral    = "the phone cell holds more than one number; the first is used"
	detailPhoneShort      = "too short: too few digits for a phone number"
	detailPhoneLong       = "too long: too many digits for a phone number"
)

// lineBreaks turns the line breaks of a multi-line cell into separators.
var lineBreaks = strings.NewReplacer("\r\n", ";", "\n", ";", "\r", ";")

// sciNotation matches an Excel number shown in scientific notation, with a decimal
// point or a Turkish decimal comma: 5,32123E+09, 9.05321E+11.
var sciNotation = regexp.MustCompile(`^[+-]?\d+(?:[.,]\d+)?\s*[eE]\s*[+-]?\d+$`)

// NormalizePhone cleans and checks one phone cell, reading numbers without a country
// code in defaultRegion ("" means TR). It drops labels (Tel:, Cep:, (WhatsApp)), an
// Excel apostrophe and invisible characters, maps other digit scripts to ASCII, keeps
// an extension (dahili 12, ext. 5, x5) apart and, when the cell holds several numbers,
// uses the first and lists the others in Extra. Placeholders give type missing; text
// that is not a valid number gives type invalid with a Detail.
func NormalizePhone(raw, defaultRegion string) PhoneResult {
	return NormalizePhoneIn(raw, PhoneRegions{Contact: defaultRegion})
}

// PhoneRegions are the regions a number without a country code may belong to.
type PhoneRegions struct {
	// Contact is the contact's own region (its country column); "" means Home.
	Contact string
	// Home is the region the company works in, whose staff type the numbers; ""
	// means the contact's region.
	Home string
}

// NormalizePhoneIn is NormalizePhone for a contact whose region may differ from the
// home region. A number without a country code is read in the contact's region,
// except when that reading is not a mobile while the digits start like a home
// mobile: "0530 934 21 8" for a contact in Germany is a Turkish mobile typed with a
// digit missing (invalid), not the German landline libphonenumber would accept,
// because the home staff type their customers' home mobiles, wherever they live.
func NormalizePhoneIn(raw string, regions PhoneRegions) PhoneResult {
	region := strings.ToUpper(strings.TrimSpace(regions.Contact))
	home := strings.ToUpper(strings.TrimSpace(regions.Home))
	switch {
	case region == "" && home == "":
		region = DefaultRegion
	case region == "":
		region = home
	}
	if home == "" {
		home = region
	}
	// A line break separates numbers as , and ; do; cleaning would turn it into a blank.
	s := cleanPhoneText(lineBreaks.Replace(raw))
	if IsPlaceholder(s) {
		return PhoneResult{Type: PhoneMissing, Region: region, Detail: detailPhoneMissing}
	}
	parts := splitPhones(s)
	if len(parts) == 0 {
		return PhoneResult{Type: PhoneMissing, Region: region, Detail: detailPhoneMissing}
	}
	res := parseOnePhone(parts[0], region, home)
	for _, p := range parts[1:] {
		if x := parseOnePhone(p, region, home); x.E164 != "" {
			res.Extra = append(res.Extra, x.E164)
		}
	}
	if len(res.Extra) > 0 && res.Detail == "" {
		res.Detail = detailPhoneSeveral
	}
	return res
}

// invalidPhone is the result for phone text that holds no valid number.
func invalidPhone(region, detail string) PhoneResult {
	return PhoneResult{Type: PhoneInvalid, Region: region, Detail: detail}
}

// splitPhones splits a cell into the parts that are not placeholders: at ; / and |,
// then at commas, except inside a number in scientific notation (5,32123E+09).
func splitPhones(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == '/' || r == '|'
	}) {
		f = strings.TrimSpace(f)
		if strings.ContainsAny(f, "eE") && sciNotation.MatchString(f) {
			out = append(out, f)
			continue
		}
		for _, g := range strings.Split(f, ",") {
			if g = strings.TrimSpace(g); !IsPlaceholder(g) {
				out = append(out, g)
			}
		}
	}
	return out
}

// parseOnePhone reads one number of a cell, in region unless homeReading prefers home.
func parseOnePhone(part, region, home string) PhoneResult {
	if m := dashExtension.FindStringSubmatch(part); m != nil {
		if res := parseOnePhone(m[1], region, home); res.E164 != "" && res.Extension == "" {
			res.Extension = m[2]
			return res
		}
	}
	if strings.ContainsAny(part, "eE") && sciNotation.MatchString(part) {
		exact, ok := expandScientific(part)
		if !ok {
			return invalidPhone(region, detailPhoneScientific)
		}
		part = exact
	}
	number, ext := splitExtension(part)
	number, detail := stripLabels(number)
	if detail != "" {
		return invalidPhone(region, detail)
	}
	if region == home {
		if num, ok := parseDomestic(number, region); ok {
			return PhoneResult{
				E164: "+" + strconv.Itoa(int(num.GetCountryCode())) +
					strconv.FormatUint(num.GetNationalNumber(), 10),
				Type:      mapPhoneType(phonenumbers.GetNumberType(num)),
				Region:    region,
				Extension: ext,
			}
		}
	}
	num, err := parseBest(number, region)
	if err != nil {
		return invalidPhone(region, describeParseError(number, err))
	}
	if region != home {
		if alt := homeReading(number, num, home); alt != nil {
			num, region = alt, home
		}
	}
	if !phonenumbers.IsValidNumber(num) {
		return invalidPhone(region, describeInvalid(num, number, region))
	}
	if ext == "" {
		ext = num.GetExtension()
	}
	return PhoneResult{
		E164:      phonenumbers.Format(num, phonenumbers.E164),
		Type:      mapPhoneType(phonenumbers.GetNumberType(num)),
		Region:    phonenumbers.GetRegionCodeForNumber(num),
		Extension: ext,
	}
}

// domesticRegions are the regions parseDomestic serves: their trunk prefix is a
// plain 0 that Parse strips with no other rule (checked by the tests and the fuzz
// target against libphonenumber). Others take the full path.
var domesticRegions = map[string]bool{"TR": true, "DE": true, "GB": true}

// parseDomestic is a fast path for the common case, a valid number of region typed
// with separators only: "0532 123 45 67", "+90 (532) 123-45-67", "0090 532...",
// "5321234567". It builds the number libphonenumber's Parse would give without
// running Parse's many expressions; ok is false for anything else, which then
// takes the full path.
func parseDomestic(number, region string) (*phonenumbers.PhoneNumber, bool) {
	var digits [20]byte
	n, plus := 0, false
	for i := 0; i < len(number); i++ {
		switch c := number[i]; {
		case c >= '0' && c <= '9':
			if n == len(digits) {
				return nil, false
			}
			digits[n] = c
			n++
		case c == '+' && n == 0 && !plus:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return nil, false
		}
	}
	if !domesticRegions[region] {
		return nil, false
	}
	cc := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region))
	d := string(digits[:n])
	switch {
	case plus || strings.HasPrefix(d, "00"):
		d = strings.TrimPrefix(d, "00")
		if !strings.HasPrefix(d, cc) {
			return nil, false
		}
		d = d[len(cc):]
	case strings.HasPrefix(d, "0"):
		d = d[1:]
	case strings.HasPrefix(d, cc):
		return nil, false // maybe the country code without its +: the full path decides
	}
	if d == "" || d[0] == '0' || len(d) > 17 {
		return nil, false
	}
	nsn, err := strconv.ParseUint(d, 10, 64)
	if err != nil {
		return nil, false
	}
	code, _ := strconv.Atoi(cc)
	num := &phonenumbers.PhoneNumber{CountryCode: proto.Int32(int32(code)),
		NationalNumber: proto.Uint64(nsn)}
	if !phonenumbers.IsValidNumberForRegion(num, region) {
		return nil, false
	}
	return num, true
}

// expandScientific writes a number in scientific notation as its digits when the
// mantissa holds every digit ("9.05321234567E+11" is 905321234567, as an XLSX cell
// stores it); ok is false when digits were lost ("5,32123E+09", as Excel shows it).
func expandScientific(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimLeft(s, "+"), " ", "")
	mantissa, exp, _ := strings.Cut(strings.ToUpper(s), "E")
	whole, frac, _ := strings.Cut(strings.ReplaceAll(mantissa, ",", "."), ".")
	e, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
	// Fewer decimals than the exponent: the zeros it implies are digits nobody kept.
	if err != nil || strings.HasPrefix(whole, "-") || e != len(frac) {
		return "", false
	}
	return whole + frac, true
}

// parseBest parses number in region. For a bare run of digits that starts with the
// region's own country code (an export that lost the +), the reading with the country
// code is preferred when it is valid: 4915123456789 in DE is +49 1512 3456789, not a
// 13-digit national number.
func parseBest(number, region string) (*phonenumbers.PhoneNumber, error) {
	num, err := phonenumbers.Parse(number, region)
	if err != nil {
		return nil, fmt.Errorf("parse phone number: %w", err)
	}
	digits := phonenumbers.NormalizeDigitsOnly(number)
	if hasDialPrefix(number) || digits != strings.TrimSpace(number) {
		return num, nil
	}
	cc := fmt.Sprint(phonenumbers.GetCountryCodeForRegion(region))
	if cc == "0" || !strings.HasPrefix(digits, cc) {
		return num, nil
	}
	if alt, err := phonenumbers.Parse("+"+digits, region); err == nil &&
		phonenumbers.IsValidNumber(alt) {
		return alt, nil
	}
	return num, nil
}

// homeReading returns number read in the home region when it has no country code of
// its own, its reading in the contact's region (num) is not a mobile, and its digits
// start like a home mobile; else nil. A valid mobile of the contact's region always
// stands: "050 123 4567" in the Emirates is theirs, although Turkish mobiles start 50.
func homeReading(
	number string, num *phonenumbers.PhoneNumber, home string,
) *phonenumbers.PhoneNumber {
	if home == phonenumbers.GetRegionCodeForNumber(num) || hasCountryCode(number) {
		return nil
	}
	contactType := mapPhoneType(phonenumbers.GetNumberType(num))
	if phonenumbers.IsValidNumber(num) && contactType.SMSCapable() {
		return nil
	}
	alt, err := phonenumbers.Parse(number, home)
	if err != nil || !startsLikeMobile(alt, home) {
		return nil
	}
	return alt
}

// hasCountryCode reports whether a number is written with + or 00 in front.
func hasCountryCode(number string) bool {
	n := strings.TrimLeft(number, " (")
	return strings.HasPrefix(n, "+") || strings.HasPrefix(n, "00")
}

// startsLikeMobile reports whether num's national digits begin a mobile number of
// region: completed (or cut) to the length of the region's example mobile with that
// example's own last digits, they make a valid mobile.
func startsLikeMobile(num *phonenumbers.PhoneNumber, region string) bool {
	example := phonenumbers.GetExampleNumberForType(region, phonenumbers.MOBILE)
	if example == nil || int(num.GetCountryCode()) != int(example.GetCountryCode()) {
		return false
	}
	want := phonenumbers.GetNationalSignificantNumber(example)
	cc := "+" + strconv.Itoa(int(num.GetCountryCode()))
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	// libphonenumber keeps a trunk 0 in the national number when stripping it gives
	// no valid number, as it does for a number with a digit missing.
	for _, digits := range []string{nsn, strings.TrimLeft(nsn, "0")} {
		if digits == "" {
			continue
		}
		if len(digits) < len(want) {
			digits += want[len(digits):]
		}
		candidate, err := phonenumbers.Parse(cc+digits[:len(want)], region)
		if err == nil && mapPhoneType(phonenumbers.GetNumberType(candidate)).SMSCapable() {
			return true
		}
	}
	return false
}

// hasDialPrefix reports whether the number starts with +, 00 or a trunk 0.
func hasDialPrefix(number string) bool {
	n := strings.TrimLeft(number, " (")
	return strings.HasPrefix(n, "+") || strings.HasPrefix(n, "0")
}

// mapPhoneType maps libphonenumber's number type to crier's PhoneType.
func mapPhoneType(t phonenumbers.PhoneNumberType) PhoneType {
	switch t {
	case phonenumbers.MOBILE:
		return PhoneMobile
	case phonenumbers.FIXED_LINE:
		return PhoneFixedLine
	case phonenumbers.FIXED_LINE_OR_MOBILE:
		return PhoneFixedLineOrMobile
	case phonenumbers.VOIP:
		return PhoneVoIP
	case phonenumbers.TOLL_FREE:
		return PhoneTollFree
	}
	return PhoneOther
}

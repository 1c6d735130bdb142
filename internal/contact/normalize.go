package contact

import (
	"slices"
	"strings"
)

// Options tune Normalize.
type Options struct {
	// DefaultRegion is the region phone numbers without a country code are read in
	// when the row has no country of its own; "" means "TR".
	DefaultRegion string
}

// flagOrder is the order flags are listed in on a contact.
var flagOrder = []Flag{
	FlagEmailMissing, FlagEmailInvalid, FlagEmailTypoSuspected, FlagEmailSeveral,
	FlagPhoneMissing, FlagPhoneInvalid, FlagPhoneNotMobile,
	FlagDuplicate, FlagOwnerConflict, FlagNameMissing, FlagOwnerMissing, FlagOptOut,
	FlagEmailBounced, FlagPhoneUndeliverable, FlagComplaint,
}

// Details given for the flags that are not about the e-mail or phone text.
const (
	detailPhoneNotMobile = "only a landline or other non-mobile number; no SMS possible"
	detailNameMissing    = "no person's name, only a company"
	detailNameNone       = "no person's name and no company"
	detailOwnerMissing   = "no responsible manager"
	detailOptOut         = "the contact opted out of marketing messages"
)

// Normalize turns one exported row into a Contact: names cleaned and put in Turkish
// title case when written all upper- or lower-case (a whole-name cell is split, the
// last word being the surname), the e-mail normalised, one phone number chosen over
// the phone cells, the owner trimmed and the data-quality flags set in vocabulary
// order with a plain-words detail each. Normalize never sets duplicate or
// owner_conflict: those need several rows.
func Normalize(in Input, opts Options) Contact {
	c := Contact{
		ExternalID: strings.TrimSpace(in.ExternalID),
		Company:    cleanValue(in.Company),
		EmailRaw:   in.Email,
		OptOut:     in.OptOut,
		Tags:       slices.Clone(in.Tags),
		FlagDetail: map[Flag]string{},
	}
	flags := map[Flag]bool{}
	set := func(f Flag, detail string) {
		flags[f] = true
		if detail != "" {
			c.FlagDetail[f] = detail
		}
	}
	c.FirstName, c.LastName = contactName(in)
	if c.FirstName == "" && c.LastName == "" {
		if c.Company != "" {
			set(FlagNameMissing, detailNameMissing)
		} else {
			set(FlagNameMissing, detailNameNone)
		}
	}
	em := NormalizeEmail(in.Email)
	c.Email, c.EmailSuggestion = em.Address, em.Suggestion
	c.EmailRole, c.EmailDisposable = em.Role, em.Disposable
	for _, f := range em.Flags {
		set(f, em.Detail)
	}
	applyPhone(&c, in, phoneRegions(in, opts), set)
	if owner := cleanText(in.Owner); !IsPlaceholder(owner) {
		c.Owner, c.OwnerEmail = parseOwner(owner)
	} else {
		set(FlagOwnerMissing, detailOwnerMissing)
	}
	if in.OptOut {
		set(FlagOptOut, detailOptOut)
	}
	c.Flags = orderedFlags(flags)
	return c
}

// contactName returns the row's first and last name, from the name cells or, when
// both are empty, from the whole-name cell.
func contactName(in Input) (first, last string) {
	first, last = normalizeName(in.FirstName), normalizeName(in.LastName)
	if first == "" && last == "" {
		return splitFullName(in.FullName)
	}
	return first, last
}

// phoneRegions are the regions the row's phone numbers are read in: the row's
// country, else the home region; the home region is the option, else TR.
func phoneRegions(in Input, opts Options) PhoneRegions {
	home := strings.ToUpper(strings.TrimSpace(opts.DefaultRegion))
	if home == "" {
		home = DefaultRegion
	}
	if r := RegionFromCountry(in.Country); r != "" {
		return PhoneRegions{Contact: r, Home: home}
	}
	return PhoneRegions{Contact: home, Home: home}
}

// orderedFlags lists the set flags in vocabulary order.
func orderedFlags(set map[Flag]bool) []Flag {
	var out []Flag
	for _, f := range flagOrder {
		if set[f] {
			out = append(out, f)
		}
	}
	return out
}

// parseOwner reads an owner cell: a manager's name, or an e-mail address,
// possibly with a display name or mailto:. An address is normalised as a
// contact's is, so that ZEYNEP.KILIC@… and "Zeynep Kılıç <zeynep.kilic@…>"
// name the same manager. A cell whose @ does not make an address (@SUM(1)) is
// a name.
func parseOwner(owner string) (name, email string) {
	if !strings.Contains(owner, "@") {
		return owner, ""
	}
	res := NormalizeEmail(owner)
	if res.Address == "" {
		return owner, ""
	}
	if i := strings.IndexByte(owner, '<'); i > 0 {
		display := strings.Trim(strings.TrimSpace(owner[:i]), `"' `)
		if display != "" && !strings.Contains(display, "@") {
			return strings.Join(strings.Fields(display), " "), res.Address
		}
	}
	return res.Address, res.Address
}

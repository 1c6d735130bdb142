package contact

// Flag is a data-quality or delivery problem on a contact. The vocabulary is shared
// with the store, the reports and the UI; its string values are stable.
type Flag string

// Data-quality flags, set by normalisation.
const (
	FlagEmailMissing       Flag = "email_missing"
	FlagEmailInvalid       Flag = "email_invalid"
	FlagEmailTypoSuspected Flag = "email_typo_suspected"
	// FlagEmailSeveral: the cell held more than one address; the first is used
	// and the others are kept in the flag's detail count for a person to sort.
	FlagEmailSeveral   Flag = "email_several"
	FlagPhoneMissing   Flag = "phone_missing"
	FlagPhoneInvalid   Flag = "phone_invalid"
	FlagPhoneNotMobile Flag = "phone_not_mobile"
	FlagDuplicate      Flag = "duplicate"
	FlagOwnerConflict  Flag = "owner_conflict"
	FlagNameMissing    Flag = "name_missing"
	FlagOwnerMissing   Flag = "owner_missing"
	FlagOptOut         Flag = "opt_out"
)

// Delivery flags, opened when a message to the contact could not be delivered.
const (
	FlagEmailBounced       Flag = "email_bounced"
	FlagPhoneUndeliverable Flag = "phone_undeliverable"
	FlagComplaint          Flag = "complaint"
)

// PhoneType is the kind of number a phone normalises to. Only mobile (and
// fixed_line_or_mobile, where the numbering plan cannot tell) can receive SMS.
type PhoneType string

// Phone types, named as libphonenumber names them, plus invalid and missing.
const (
	PhoneMobile            PhoneType = "mobile"
	PhoneFixedLine         PhoneType = "fixed_line"
	PhoneFixedLineOrMobile PhoneType = "fixed_line_or_mobile"
	PhoneVoIP              PhoneType = "voip"
	PhoneTollFree          PhoneType = "toll_free"
	PhoneOther             PhoneType = "other"
	PhoneInvalid           PhoneType = "invalid"
	PhoneMissing           PhoneType = "missing"
)

// SMSCapable reports whether a number of this type can receive an SMS.
func (t PhoneType) SMSCapable() bool {
	return t == PhoneMobile || t == PhoneFixedLineOrMobile
}

// Input is one contact as a CRM export gives it: raw cell text, not yet checked.
type Input struct {
	ExternalID string
	FirstName  string
	LastName   string
	// FullName is set instead of FirstName/LastName when the export keeps the whole
	// name in one cell; Normalize splits it (the last word is the surname).
	FullName string
	Company  string
	Email    string
	// Phones holds the phone cells in preference order: the mobile column first.
	Phones []PhoneCell
	// Owner is the responsible manager as written in the export: a name or an e-mail.
	Owner string
	// Country is the row's own country (code or name), if the export has one; it
	// sets the default region for its phone numbers.
	Country string
	// OptOut is true when the row's own consent column says no marketing.
	OptOut bool
	Tags   []string
}

// PhoneCell is one phone cell and the column it came from.
type PhoneCell struct {
	Column string
	Raw    string
}

// Contact is a normalised contact, ready to store.
type Contact struct {
	ExternalID string
	FirstName  string
	LastName   string
	Company    string

	EmailRaw        string
	Email           string // normalised address; empty when missing or invalid
	EmailSuggestion string // likely intended address when a typo is suspected
	// EmailRole and EmailDisposable mark a role mailbox (info@, satis@) and a
	// throwaway-mailbox domain: valid addresses, but no person reads them for long.
	EmailRole       bool
	EmailDisposable bool

	PhoneRaw    string
	PhoneE164   string // empty when missing or invalid
	PhoneType   PhoneType
	PhoneSource string // column the chosen number came from
	Region      string // region the phone number was read in, e.g. "TR"

	// Owner is the owner cell, trimmed; empty when none. A cell holding an
	// e-mail address ("Zeynep Kılıç <Zeynep.Kilic@…>", "mailto:…") gives the
	// display name if any, else the normalised address (see OwnerEmail).
	Owner string
	// OwnerEmail is the owner's normalised e-mail address when the cell holds one.
	OwnerEmail string
	OptOut     bool
	Tags       []string

	// Flags are the data-quality flags, in the order of the vocabulary above.
	Flags []Flag
	// FlagDetail gives a short, plain-words reason per flag where one helps.
	FlagDetail map[Flag]string
}

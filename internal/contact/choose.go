package contact

// phoneChoice is a phone cell read as a number.
type phoneChoice struct {
	cell PhoneCell
	res  PhoneResult
}

// choosePhone picks the row's number over its phone cells, in their order:
//  1. the first cell holding a valid mobile (or fixed_line_or_mobile) number;
//  2. else the first cell holding any other valid number;
//  3. else the first cell holding text that is not a valid number (type invalid);
//  4. else nothing (ok false: every cell is empty or a placeholder).
func choosePhone(cells []PhoneCell, regions PhoneRegions) (phoneChoice, bool) {
	var other, invalid *phoneChoice
	for _, cell := range cells {
		res := NormalizePhoneIn(cell.Raw, regions)
		ch := phoneChoice{cell: cell, res: res}
		switch {
		case res.Type.SMSCapable():
			return ch, true
		case res.E164 != "":
			if other == nil {
				other = &ch
			}
		case res.Type == PhoneInvalid:
			if invalid == nil {
				invalid = &ch
			}
		}
	}
	switch {
	case other != nil:
		return *other, true
	case invalid != nil:
		return *invalid, true
	}
	return phoneChoice{}, false
}

// applyPhone chooses the row's phone number, fills the contact's phone fields and
// sets phone_missing, phone_invalid or phone_not_mobile.
func applyPhone(c *Contact, in Input, regions PhoneRegions, set func(Flag, string)) {
	c.Region = regions.Contact
	ch, ok := choosePhone(in.Phones, regions)
	if !ok {
		c.PhoneType = PhoneMissing
		set(FlagPhoneMissing, detailPhoneMissing)
		return
	}
	c.PhoneRaw, c.PhoneSource = ch.cell.Raw, ch.cell.Column
	c.PhoneE164, c.PhoneType = ch.res.E164, ch.res.Type
	if ch.res.Region != "" {
		c.Region = ch.res.Region
	}
	switch {
	case ch.res.Type == PhoneInvalid:
		set(FlagPhoneInvalid, ch.res.Detail)
	case !ch.res.Type.SMSCapable():
		set(FlagPhoneNotMobile, detailPhoneNotMobile)
	}
}

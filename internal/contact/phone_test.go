package contact

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for _, tc := range loadTSV(t, "phones.tsv") {
		t.Run(tc["note"]+"/"+tc["raw_json"]+"/"+tc["region"], func(t *testing.T) {
			t.Parallel()
			got := NormalizePhone(tc["raw"], tc["region"])
			require.Equal(t, tc["e164"], got.E164, "E.164 (detail %q)", got.Detail)
			require.Equal(t, PhoneType(tc["type"]), got.Type, "type")
			require.Equal(t, tc["extension"], got.Extension, "extension")
			require.Equal(t, splitList(tc["extra"], " "), got.Extra, "extra")
			require.Contains(t, got.Detail, tc["detail_has"], "detail")
			require.NotEmpty(t, got.Region, "region")
			if got.E164 == "" {
				require.NotEmpty(t, got.Detail, "an invalid or missing number needs a detail")
			}
			requireNoEcho(t, got.Detail, tc["raw"])
		})
	}
}

func TestNormalizePhoneRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, region, want string
	}{
		{"0533 765 43 21", "", "TR"},
		{"0533 765 43 21", "tr", "TR"},
		{"+49 151 23456789", "TR", "DE"},
		{"yok", "de", "DE"},
		{"5,33765E+09", "", "TR"},
	}
	for _, tc := range tests {
		t.Run(tc.raw+"/"+tc.region, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, NormalizePhone(tc.raw, tc.region).Region)
		})
	}
}

func TestPhoneTypeSMSCapable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ  PhoneType
		want bool
	}{
		{PhoneMobile, true},
		{PhoneFixedLineOrMobile, true},
		{PhoneFixedLine, false},
		{PhoneVoIP, false},
		{PhoneTollFree, false},
		{PhoneOther, false},
		{PhoneInvalid, false},
		{PhoneMissing, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.typ), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, tc.typ.SMSCapable())
		})
	}
}

func TestNormalizePhoneInHomeRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, contact string
		e164               string
		typ                PhoneType
		region             string
	}{
		{"home mobile with a digit missing is not a German landline",
			"0530 934 21 8", "DE", "", PhoneInvalid, "TR"},
		{"home mobile of a contact abroad", "0530 934 21 80", "DE",
			"+905309342180", PhoneMobile, "TR"},
		{"home mobile that lost its trunk 0", "5309342180", "DE",
			"+905309342180", PhoneMobile, "TR"},
		{"German mobile typed the German way", "0151 97677036", "DE",
			"+4915197677036", PhoneMobile, "DE"},
		{"German landline that does not start like a home mobile", "030 1234567", "DE",
			"+49301234567", PhoneFixedLine, "DE"},
		{"a mobile of the contact's region stands", "050 123 4567", "AE",
			"+971501234567", PhoneMobile, "AE"},
		{"a country code of its own stands", "+49 530 934218", "DE",
			"+49530934218", PhoneFixedLine, "DE"},
		{"00 prefix stands", "0049 530 934218", "DE",
			"+49530934218", PhoneFixedLine, "DE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := NormalizePhoneIn(tc.raw, PhoneRegions{Contact: tc.contact, Home: "TR"})
			require.Equal(t, tc.e164, got.E164, "E.164 (detail %q)", got.Detail)
			require.Equal(t, tc.typ, got.Type)
			require.Equal(t, tc.region, got.Region)
			if tc.typ == PhoneInvalid {
				require.Equal(t, detailPhoneShort, got.Detail)
			}
		})
	}
}

func TestParseDomesticAgreesWithLibphonenumber(t *testing.T) {
	t.Parallel()
	for _, tc := range loadTSV(t, "phones.tsv") {
		region := tc["region"]
		if region == "" {
			region = DefaultRegion
		}
		requireDomesticAgrees(t, tc["raw"], region)
	}
	for _, n := range []string{"0532 123 45 67", "+90 (532) 123-45-67", "0090 532 123 45 67",
		"5321234567", "0212 555 12 34", "030 1234567", "+49 30 1234567"} {
		for _, region := range []string{"TR", "DE", "GB", "US"} {
			requireDomesticAgrees(t, n, region)
		}
	}
	_, ok := parseDomestic("0532 123 45 67", "TR")
	require.True(t, ok, "the common case takes the fast path")
}

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

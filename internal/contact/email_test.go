package contact

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range loadTSV(t, "emails.tsv") {
		t.Run(tc["note"]+"/"+tc["raw_json"], func(t *testing.T) {
			t.Parallel()
			got := NormalizeEmail(tc["raw"])
			require.Equal(t, tc["address"], got.Address, "address")
			require.Equal(t, tc["suggestion"], got.Suggestion, "suggestion")
			require.Equal(t, splitList(tc["extra"], " "), got.Extra, "extra")
			require.Equal(t, flagList(splitList(tc["flags"], "|")), got.Flags, "flags")
			require.Equal(t, tc["role"] == "yes", got.Role, "role")
			if len(got.Flags) > 0 {
				require.NotEmpty(t, got.Detail, "a flagged address needs a detail")
			}
			requireNoEcho(t, got.Detail, tc["raw"])
		})
	}
}

func TestNormalizeEmailDetail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want string
	}{
		{"deniz@", "the e-mail has no domain after the @"},
		{"@example.com", "the e-mail has nothing before the @"},
		{"deniz@@example.com", "the e-mail has two @ signs in a row"},
		{"deniz@example..com", "the domain has two dots in a row"},
		{"deniz.kayaexample.com", "the e-mail has no @ between the name and the domain"},
		{"Deniz Kaya", "the e-mail cell holds a name, not an address"},
		{"0532 123 45 67", "the e-mail cell holds a phone number, not an address"},
		{"yok", "no e-mail address given"},
		{"deniz@example.com; ali@example.com", "more than one address"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			require.Contains(t, NormalizeEmail(tc.raw).Detail, tc.want)
		})
	}
}

func TestSuggestDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		domain string
		want   string
	}{
		{"gmial.com", "gmail.com"},
		{"gamil.com", "gmail.com"},
		{"gmail.comm", "gmail.com"},
		{"hotmial.con", "hotmail.com"},
		{"hotmail.con.tr", "hotmail.com.tr"},
		{"outlook.cm", "outlook.com"},
		{"hotmail.com.tr", ""},
		{"hotmail.co.uk", ""},
		{"yahoo.com.tr", ""},
		{"mail.com", ""},
		{"mail.con", "mail.com"},
		{"ymail.com", ""},
		{"gmail.de", ""},
		{"example.com", ""},
		{"gmailx.example.com", ""},
		{"localhost", ""},
	}
	for _, tc := range tests {
		t.Run(tc.domain, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, suggestDomain(tc.domain))
		})
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"gmail", "gmail", 0},
		{"gmial", "gmail", 1},
		{"gmai", "gmail", 1},
		{"gmaill", "gmail", 1},
		{"gnail", "gmail", 1},
		{"hotmial", "hotmail", 1},
		{"yaho", "yahoo", 1},
		{"ymail", "yahoo", 4},
		{"", "abc", 3},
		{"şğ", "ğş", 1},
	}
	for _, tc := range tests {
		t.Run(tc.a+"/"+tc.b, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, editDistance(tc.a, tc.b))
			require.Equal(t, tc.want, editDistance(tc.b, tc.a))
		})
	}
}

func TestNormalizeEmailDisposable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want bool
	}{
		{"ali@mailinator.com", true},
		{"Ali <ALI@YOPMAIL.COM>", true},
		{"ali@eu.guerrillamail.com", true},
		{"ali@gmail.com", false},
		{"ali@notmailinator.com", false},
		{"ali@mailinator.com.tr", false},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			got := NormalizeEmail(tc.raw)
			require.NotEmpty(t, got.Address)
			require.Equal(t, tc.want, got.Disposable)
		})
	}
}

func TestNormalizeMarksRoleAndDisposable(t *testing.T) {
	t.Parallel()
	c := Normalize(Input{Company: "Firma", Email: "info@firma.com.tr"}, Options{})
	require.True(t, c.EmailRole)
	require.False(t, c.EmailDisposable)
	c = Normalize(Input{FirstName: "Ali", Email: "ali@mailinator.com"}, Options{})
	require.False(t, c.EmailRole)
	require.True(t, c.EmailDisposable)
}

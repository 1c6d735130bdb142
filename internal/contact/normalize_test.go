package contact

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// contactCase is one case of testdata/contacts.json.
type contactCase struct {
	Name    string      `json:"name"`
	Options Options     `json:"options"`
	Input   Input       `json:"input"`
	Want    contactWant `json:"want"`
}

// contactWant is the expected part of a Contact.
type contactWant struct {
	ExternalID      string          `json:"external_id"`
	FirstName       string          `json:"first_name"`
	LastName        string          `json:"last_name"`
	Company         string          `json:"company"`
	Email           string          `json:"email"`
	EmailSuggestion string          `json:"email_suggestion"`
	PhoneE164       string          `json:"phone_e164"`
	PhoneType       PhoneType       `json:"phone_type"`
	PhoneSource     string          `json:"phone_source"`
	PhoneRaw        string          `json:"phone_raw"`
	Region          string          `json:"region"`
	Owner           string          `json:"owner"`
	OptOut          bool            `json:"opt_out"`
	Tags            []string        `json:"tags"`
	Flags           []Flag          `json:"flags"`
	DetailHas       map[Flag]string `json:"detail_has"`
}

func loadContactCases(t *testing.T) []contactCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "contacts.json"))
	require.NoError(t, err)
	var cases []contactCase
	require.NoError(t, json.Unmarshal(b, &cases))
	require.NotEmpty(t, cases)
	return cases
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	for _, tc := range loadContactCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			got := Normalize(tc.Input, tc.Options)
			w := tc.Want
			require.Equal(t, w.ExternalID, got.ExternalID, "external id")
			require.Equal(t, w.FirstName, got.FirstName, "first name")
			require.Equal(t, w.LastName, got.LastName, "last name")
			require.Equal(t, w.Company, got.Company, "company")
			require.Equal(t, tc.Input.Email, got.EmailRaw, "raw e-mail")
			require.Equal(t, w.Email, got.Email, "e-mail")
			require.Equal(t, w.EmailSuggestion, got.EmailSuggestion, "suggestion")
			require.Equal(t, w.PhoneE164, got.PhoneE164, "E.164")
			require.Equal(t, w.PhoneType, got.PhoneType, "phone type")
			require.Equal(t, w.PhoneSource, got.PhoneSource, "phone source")
			require.Equal(t, w.PhoneRaw, got.PhoneRaw, "raw phone")
			require.Equal(t, w.Region, got.Region, "region")
			require.Equal(t, w.Owner, got.Owner, "owner")
			require.Equal(t, w.OptOut, got.OptOut, "opt-out")
			require.Equal(t, w.Tags, got.Tags, "tags")
			require.Equal(t, w.Flags, nonNil(got.Flags), "flags")
			requireDetails(t, tc, got)
		})
	}
}

// requireDetails checks that every flag has a plain-words detail, that the expected
// words are there and that no detail repeats the row's contact data.
func requireDetails(t *testing.T, tc contactCase, got Contact) {
	t.Helper()
	for _, f := range got.Flags {
		require.NotEmpty(t, got.FlagDetail[f], "detail for %s", f)
	}
	for f, words := range tc.Want.DetailHas {
		require.Contains(t, got.FlagDetail[f], words, "detail for %s", f)
	}
	for _, d := range got.FlagDetail {
		requireNoEcho(t, d, tc.Input.Email)
		for _, p := range tc.Input.Phones {
			requireNoEcho(t, d, p.Raw)
		}
	}
}

// nonNil turns a nil flag list into an empty one, as the fixture writes "no flags".
func nonNil(f []Flag) []Flag {
	if f == nil {
		return []Flag{}
	}
	return f
}

func TestNormalizeDoesNotAliasTags(t *testing.T) {
	t.Parallel()
	in := Input{FirstName: "Deniz", Tags: []string{"fuar"}}
	got := Normalize(in, Options{})
	in.Tags[0] = "changed"
	require.Equal(t, []string{"fuar"}, got.Tags)
}

func TestFlagOrderCoversVocabulary(t *testing.T) {
	t.Parallel()
	all := []Flag{
		FlagEmailMissing, FlagEmailInvalid, FlagEmailTypoSuspected, FlagEmailSeveral,
		FlagPhoneMissing,
		FlagPhoneInvalid, FlagPhoneNotMobile, FlagDuplicate, FlagOwnerConflict,
		FlagNameMissing, FlagOwnerMissing, FlagOptOut,
	}
	require.Equal(t, all, flagOrder[:len(all)])
	set := map[Flag]bool{}
	for i := len(all) - 1; i >= 0; i-- {
		set[all[i]] = true
	}
	require.Equal(t, all, orderedFlags(set))
}

// benchInputs are realistic rows of the four export kinds.
var benchInputs = []Input{
	{
		ExternalID: "13147205187", FirstName: "ŞÜKRÜ", LastName: "aksoy",
		Email:  "sukru.aksoy@örnek.com.tr",
		Phones: []PhoneCell{{"Mobile Phone Number", "542-837-7905"}, {"Phone Number", ""}},
		Owner:  "Zeynep Kılıç", Company: "Çamlıca Mobilya San. ve Tic. A.Ş.",
	},
	{
		FirstName: "Işıl", LastName: "Uysal", Email: "Ornek.isil.uysal83@HOTMAIL.COM",
		Phones: []PhoneCell{{"Mobile", "00905511114045"}, {"Phone", "212 537 4312"}},
		Owner:  "Elif Güneş", Country: "Turkey",
	},
	{
		FirstName: "Cüneyt", LastName: "  Şahin ", Email: "ornek.cuneyt.sahin56@hotmail.con",
		Phones: []PhoneCell{
			{"Telefon (cep)", "0507 126 1 64"},
			{"Telefon (iş)", "0212 449 85 68 dahili:147"},
		},
		Owner: "Emre Çetin", OptOut: true,
	},
	{
		FullName: " hasan  Tuncer ", Email: "\"Kaya, Ayşe\" <ayse@example.com>; ali@example.com",
		Phones: []PhoneCell{{"Cep Tel", "5,32123E+09"}, {"Sabit Tel", " "}},
		Owner:  " emre  ÇETİN ",
	},
}

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = Normalize(benchInputs[i%len(benchInputs)], Options{})
	}
}

func TestNameMissingDetailSaysWhatIsThere(t *testing.T) {
	t.Parallel()
	withCompany := Normalize(Input{Company: "Örnek A.Ş.", Email: "a@example.com"}, Options{})
	require.Equal(t, "no person's name, only a company", withCompany.FlagDetail[FlagNameMissing])
	none := Normalize(Input{Email: "a@example.com"}, Options{})
	require.Equal(t, "no person's name and no company", none.FlagDetail[FlagNameMissing])
}

func TestParseOwner(t *testing.T) {
	t.Parallel()
	tests := []struct{ cell, name, email string }{
		{"Zeynep Kılıç", "Zeynep Kılıç", ""},
		{"Zeynep Kılıç <Zeynep.Kilic@Satis.Example.com>", "Zeynep Kılıç",
			"zeynep.kilic@satis.example.com"},
		{`"Kılıç, Zeynep" <zeynep.kilic@satis.example.com>`, "Kılıç, Zeynep",
			"zeynep.kilic@satis.example.com"},
		{"ZEYNEP.KILIC@SATIS.EXAMPLE.COM", "zeynep.kilic@satis.example.com",
			"zeynep.kilic@satis.example.com"},
		{"mailto:emre@satis.example.com", "emre@satis.example.com", "emre@satis.example.com"},
		{"@SUM(1)", "@SUM(1)", ""},
	}
	for _, tt := range tests {
		c := Normalize(Input{FirstName: "A", Owner: tt.cell}, Options{})
		require.Equal(t, tt.name, c.Owner, tt.cell)
		require.Equal(t, tt.email, c.OwnerEmail, tt.cell)
	}
}

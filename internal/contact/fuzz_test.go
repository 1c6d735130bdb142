package contact

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Fuzz targets for the normalisers. `go test` runs their seeds and the cases kept in
// testdata/fuzz; `go test -fuzz=FuzzX -fuzztime=3m ./internal/contact` searches.

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{
		"", "yok", " Ayşe Y. <AYSE.Y@Example.COM> ", `"Yılmaz, Ayşe" <ayse@örnek.com.tr>`,
		"mailto:Ali@Gmial.com.", "a@b.com; c@d.com", "a@@b.com", "ali@x..com",
		"info@firma.com.tr", "0532 111 22 33", "\"quoted local\"@example.com",
		"ali@xn--rnek-4qa.com.tr", "ali@ÖRNEK.COM.TR", "a@b", "@", "<>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := NormalizeEmail(raw)
		if got.Address == "" {
			return
		}
		if !utf8.ValidString(got.Address) || got.Address != strings.TrimSpace(got.Address) ||
			strings.Count(got.Address, "@") < 1 {
			t.Fatalf("address %q is not a clean address", got.Address)
		}
		again := NormalizeEmail(got.Address)
		if again.Address != got.Address {
			t.Fatalf("not idempotent: %q gives %q, which gives %q", raw, got.Address,
				again.Address)
		}
		if got.Detail != "" && len(got.Address) > 3 && strings.Contains(got.Detail, got.Address) {
			t.Fatalf("detail %q echoes the address", got.Detail)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"", "-", "bilinmiyor", "0532 111 22 33", "+90 (532) 111-22-33 dahili 12",
		"5,32123E+09", "9.05321234567E+11", "0212 555 12 34 / 0532 111 22 33",
		"Tel: 0090 532 111 22 33", "٠٥٣٢١١١٢٢٣٣", "０５３２１１１２２３３", "x5", "+44 7700 900123",
		"0530 934 21 8", "4915123456789", "+90 0532 111 22 33", "1-800-FLOWERS",
	} {
		f.Add(s, "TR", "TR")
	}
	f.Add("0530 934 21 8", "DE", "TR")
	f.Add("050 123 4567", "AE", "TR")
	f.Fuzz(func(t *testing.T, raw, region, home string) {
		requireDomesticAgrees(t, raw, strings.ToUpper(region))
		got := NormalizePhoneIn(raw, PhoneRegions{Contact: region, Home: home})
		switch {
		case got.E164 != "" && (got.Type == PhoneInvalid || got.Type == PhoneMissing):
			t.Fatalf("type %s with number %q", got.Type, got.E164)
		case got.E164 == "" && got.Type != PhoneInvalid && got.Type != PhoneMissing:
			t.Fatalf("type %s without a number", got.Type)
		case got.E164 == "" && got.Detail == "":
			t.Fatalf("no number and no detail for %q", raw)
		}
		if got.E164 == "" {
			return
		}
		if !strings.HasPrefix(got.E164, "+") || strings.Trim(got.E164[1:], "0123456789") != "" {
			t.Fatalf("%q is not E.164", got.E164)
		}
		again := NormalizePhoneIn(got.E164, PhoneRegions{Contact: region, Home: home})
		if again.E164 != got.E164 || again.Type != got.Type {
			t.Fatalf("not idempotent: %q gives %s %s, which gives %s %s", raw, got.E164,
				got.Type, again.E164, again.Type)
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{
		"", "-", "[not provided]", "İBRAHİM", "IŞIK", "ılgaz", "  hasan   TUNCER ",
		"Ahmet'in", "McDonald", "ŞÜKRÜ-CAN", "e\u0307", "O'NEIL", "Ümran Su Çakır",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := normalizeName(raw)
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Fatalf("%q gives %q: spaces not collapsed", raw, got)
		}
		if again := normalizeName(got); again != got {
			t.Fatalf("not idempotent: %q gives %q, which gives %q", raw, got, again)
		}
		first, last := splitFullName(raw)
		if last != "" && first == "" {
			t.Fatalf("%q splits into a surname without a first name", raw)
		}
	})
}

// requireDomesticAgrees checks parseDomestic, the fast path, against libphonenumber.
func requireDomesticAgrees(t *testing.T, number, region string) {
	t.Helper()
	fast, ok := parseDomestic(number, region)
	if !ok {
		return
	}
	full, err := parseBest(number, region)
	if err != nil || !phonenumbers.IsValidNumber(full) {
		t.Fatalf("%q in %s: the fast path found a number libphonenumber does not", number, region)
	}
	if a, b := phonenumbers.Format(fast, phonenumbers.E164),
		phonenumbers.Format(full, phonenumbers.E164); a != b {
		t.Fatalf("%q in %s: fast path %s, libphonenumber %s", number, region, a, b)
	}
}

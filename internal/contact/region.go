package contact

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// countryNames maps country names and three-letter codes, folded by countryKey
// (Turkish lower case, Turkish letters as ASCII), to ISO 3166-1 region codes.
var countryNames = map[string]string{
	"turkiye": "TR", "turkey": "TR", "tur": "TR", "turkei": "TR", "turquie": "TR",
	"turkiye cumhuriyeti": "TR", "republic of turkey": "TR", "republic of turkiye": "TR",
	"germany": "DE", "almanya": "DE", "deutschland": "DE", "deu": "DE",
	"united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
	"ingiltere": "GB", "birlesik krallik": "GB", "gbr": "GB", "britain": "GB",
	"united states": "US", "usa": "US", "united states of america": "US", "abd": "US",
	"amerika": "US", "amerika birlesik devletleri": "US", "america": "US",
	"u.s.a": "US", "u.s": "US", "u.k": "GB", "t.c": "TR",
	"netherlands": "NL", "hollanda": "NL", "holland": "NL", "nld": "NL",
	"france": "FR", "fransa": "FR", "fra": "FR",
	"italy": "IT", "italya": "IT", "ita": "IT",
	"spain": "ES", "ispanya": "ES", "esp": "ES",
	"austria": "AT", "avusturya": "AT", "osterreich": "AT", "aut": "AT",
	"switzerland": "CH", "isvicre": "CH", "schweiz": "CH", "che": "CH",
	"belgium": "BE", "belcika": "BE", "bel": "BE",
	"azerbaijan": "AZ", "azerbaycan": "AZ", "aze": "AZ",
	"russia": "RU", "rusya": "RU", "russian federation": "RU", "rus": "RU",
	"greece": "GR", "yunanistan": "GR", "grc": "GR",
	"bulgaria": "BG", "bulgaristan": "BG", "bgr": "BG",
	"cyprus": "CY", "kibris": "CY", "cyp": "CY",
	"united arab emirates": "AE", "birlesik arap emirlikleri": "AE", "uae": "AE",
	"bae": "AE", "are": "AE",
	"iraq": "IQ", "irak": "IQ", "iran": "IR", "georgia": "GE", "gurcistan": "GE",
	"ukraine": "UA", "ukrayna": "UA", "sweden": "SE", "isvec": "SE",
	"poland": "PL", "polonya": "PL", "romania": "RO", "romanya": "RO",
	"saudi arabia": "SA", "suudi arabistan": "SA", "qatar": "QA", "katar": "QA",
	"kazakhstan": "KZ", "kazakistan": "KZ", "egypt": "EG", "misir": "EG",
	"china": "CN", "cin": "CN", "japan": "JP", "japonya": "JP",
	"canada": "CA", "kanada": "CA", "australia": "AU", "avustralya": "AU",
}

// latinAccents folds the accents of country names in other Latin-script languages.
var latinAccents = strings.NewReplacer("ä", "a", "é", "e", "è", "e")

// RegionFromCountry returns the ISO 3166-1 region code for a country cell ("TR",
// "Türkiye", "Turkey", "TÜRKİYE", "Germany", "DE", ...), or "" when it is empty or
// not recognised. Two-letter codes are accepted when libphonenumber knows the region;
// "UK" gives "GB".
func RegionFromCountry(s string) string {
	key := countryKey(s)
	if key == "" {
		return ""
	}
	if r, ok := countryNames[key]; ok {
		return r
	}
	if len(key) == 2 {
		code := strings.ToUpper(key)
		if phonenumbers.GetCountryCodeForRegion(code) != 0 {
			return code
		}
	}
	return ""
}

// countryKey folds a country cell: Turkish lower case, Turkish letters as ASCII,
// single spaces, trailing dots dropped (T.C. / U.S.A. keep their inner dots).
func countryKey(s string) string {
	k := asciiFoldTR(FoldTR(s))
	k = latinAccents.Replace(k)
	return strings.TrimRight(k, ".")
}

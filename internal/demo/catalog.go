package demo

import "strings"

// profile is one manager and the quality of the data they keep. Probabilities are
// per contact.
type profile struct {
	Manager
	weight float64 // relative share of contacts

	emailMissing float64 // empty or "yok"-style cell
	emailInvalid float64 // no domain, a name or phone in the cell, ...
	emailTypo    float64 // provider typo: gmial.com, gmail.con, ...
	emailMessy   float64 // valid but typed messily: spaces, caps, mailto:, display name

	noMobile      float64 // no mobile at all (often only a landline)
	mobileInvalid float64 // mobile cell too short/long or "yok"
	mobileInPhone float64 // mobile typed into "Phone Number"
	landline      float64 // a landline in "Phone Number"

	nameNoise float64 // ALL CAPS, lower case or stray spaces in names
	bounce    float64 // share of valid addresses whose mailbox is gone
}

// profiles are the demo company's six managers: Zeynep keeps near-perfect data,
// Burak is sloppy, the rest are in between.
func profiles() []profile {
	const dom = "@satis.example.com.tr"
	// Columns after the weight: e-mail missing, invalid, typo, messy; no mobile,
	// mobile invalid, mobile in "Phone Number", landline; name noise; bounce.
	return []profile{
		{Manager{"Zeynep Kılıç", "zeynep.kilic" + dom}, 26,
			0.01, 0.005, 0.005, 0.04, 0.03, 0.005, 0.03, 0.25, 0.02, 0.01},
		{Manager{"Emre Çetin", "emre.cetin" + dom}, 19,
			0.05, 0.03, 0.02, 0.15, 0.10, 0.03, 0.12, 0.35, 0.08, 0.025},
		{Manager{"Elif Güneş", "elif.gunes" + dom}, 16,
			0.06, 0.03, 0.03, 0.18, 0.12, 0.04, 0.15, 0.35, 0.10, 0.03},
		{Manager{"Burak Öztürk", "burak.ozturk" + dom}, 17,
			0.18, 0.14, 0.07, 0.30, 0.35, 0.12, 0.25, 0.60, 0.25, 0.09},
		{Manager{"İpek Doğan", "ipek.dogan" + dom}, 13,
			0.04, 0.02, 0.015, 0.10, 0.08, 0.02, 0.10, 0.30, 0.06, 0.02},
		{Manager{"Serkan Aydın", "serkan.aydin" + dom}, 9,
			0.08, 0.05, 0.03, 0.20, 0.15, 0.05, 0.18, 0.40, 0.12, 0.035},
	}
}

// ownerless is the profile of contacts with no owner: average quality.
func ownerless() profile {
	return profile{weight: 0, emailMissing: 0.06, emailInvalid: 0.04, emailTypo: 0.03,
		emailMessy: 0.15, noMobile: 0.12, mobileInvalid: 0.04, mobileInPhone: 0.12,
		landline: 0.35, nameNoise: 0.1, bounce: 0.03}
}

// catalog holds the word lists the generator draws from. It is built per Generate
// call and never changed.
type catalog struct {
	femaleNames, maleNames, lastNames []string
	companyHeads, sectors, legalForms []string
	stages                            []string
	stageWeights                      []float64
	fold                              *strings.Replacer
}

func newCatalog() *catalog {
	return &catalog{
		femaleNames: strings.Fields(`Ayşe Fatma Emine Hatice Zeynep Elif Merve Büşra
			Gökçe Çağla Işıl Özlem Şule Gülşen Dilek Sevgi Ebru Tuğba Esra Derya Pınar
			Aslı Ceren İrem İlknur Şebnem Damla Yağmur Öykü Müge Sıla Nilüfer Gülay Hülya
			Şükran Nur`),
		maleNames: strings.Fields(`Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim
			İsmail Osman Yusuf Murat Ömer Şükrü Çağrı Gökhan Oğuz Uğur Barış Kağan Tolga
			Burak Emre Serkan Volkan Cem Onur Tarık Güven Doğan Ilgaz Batuhan Ümit Levent
			Sinan Halil Recep Süleyman Kürşat Selçuk Erdem Özgür`),
		lastNames: strings.Fields(`Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım
			Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek
			Polat Özcan Korkmaz Çakır Erdoğan Yavuz Can Acar Şen Aktaş Güler Yalçın Güneş
			Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan Avcı Sarı Tekin Taş Köse
			Yüksel Ateş Aksoy Karataş Uysal Güven Çiftçi Erdem Sönmez Toprak Akgül İnce
			Uçar Işıklar Gündoğdu Ağaoğlu Karaağaç Çağlayan Ilıcalı Örs`),
		companyHeads: strings.Fields(`Çamlıca Anadolu Ege Marmara Karadeniz Boğaziçi
			Yıldız Özgür Güneş Akdeniz Kuzey Başkent Ilgın Işıklar Gökkuşağı Ufuk Çınar
			Defne Öz Ulubatlı Kızılırmak Sakarya Çukurova Kapadokya Şahinler Ağaoğlu
			Türkoğlu Dicle Fırat Ilıca Erciyes Uludağ`),
		sectors: strings.Fields(`Mobilya Gıda Tekstil İnşaat Lojistik Otomotiv
			Elektrik Kimya Ambalaj Turizm Yazılım Tarım Mermer Enerji Medikal Plastik
			Makine Kuyumculuk Matbaacılık Soğutma`),
		legalForms: []string{"San. ve Tic. A.Ş.", "Ltd. Şti.", "A.Ş.",
			"San. Tic. Ltd. Şti.", "Tic. Ltd. Şti.", "Dış Tic. A.Ş.", "ve Ort. Koll. Şti."},
		stages: []string{"Lead", "Subscriber", "Marketing Qualified Lead",
			"Sales Qualified Lead", "Opportunity", "Customer", "Evangelist", "Other"},
		stageWeights: []float64{35, 15, 12, 10, 8, 17, 1, 2},
		fold: strings.NewReplacer("ç", "c", "ğ", "g", "ı", "i", "ö", "o", "ş", "s",
			"ü", "u", "â", "a", "î", "i", "û", "u"),
	}
}

// emailDomain is a domain people's addresses are at, with its share.
type emailDomain struct {
	name   string
	weight float64
	typos  []string // misspellings people type for it
}

func emailDomains() []emailDomain {
	return []emailDomain{
		{"gmail.com", 34, []string{"gmial.com", "gmail.con", "gmai.com", "gmail.co"}},
		{"hotmail.com", 16, []string{"hotmial.com", "hotmail.con", "hotmal.com"}},
		{"yahoo.com", 5, []string{"yaho.com", "yahoo.con", "yahooo.com"}},
		{"example.com", 14, []string{"example.con", "example.cm"}},
		{"example.com.tr", 26, []string{"example.con.tr", "example.comtr"}},
		{"örnek.com.tr", 5, []string{"örnek.con.tr", "örnek.comtr"}},
	}
}

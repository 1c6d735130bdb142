package importer

import (
	"strings"
	"unicode"
)

// Layout names, as Reader.Layout reports them.
const (
	LayoutHubSpot    = "hubspot"
	LayoutSalesforce = "salesforce"
	LayoutBitrix24   = "bitrix24"
	LayoutExcelTR    = "excel_tr"
	LayoutZoho       = "zoho"
	LayoutPipedrive  = "pipedrive"
	LayoutGeneric    = "generic"
	// LayoutMapping is reported when Options.Mapping decides the columns.
	LayoutMapping = "mapping"
)

// fieldSpec lists, per contact field, the headers it may be read from, in
// preference order.
type fieldSpec struct {
	id, first, last, full []string
	company, owner        []string
	country               []string
	optOut                []string // "yes" means opted out
	consent               []string // "no" means opted out
	email                 []string
	phones                []string // mobile columns first
}

// layout is a known export format.
type layout struct {
	name  string
	all   []string // headers that must all be present
	anyOf []string // headers of which one must be present (none: no condition)
	extra []string // further typical headers, counted when scoring
	spec  fieldSpec
}

// knownLayouts returns the export formats, in order of preference on a tie.
func knownLayouts() []layout {
	return []layout{hubspotLayout(), salesforceLayout(), bitrix24Layout(), excelTRLayout(),
		zohoLayout(), pipedriveLayout()}
}

// hubspotLayout is a HubSpot contacts export.
func hubspotLayout() layout {
	return layout{
		name: LayoutHubSpot, all: []string{"First Name", "Last Name"},
		anyOf: []string{"Record ID", "Mobile Phone Number", "Phone Number",
			"Unsubscribed from all email", "Lifecycle Stage"},
		extra: []string{"Lifecycle Stage", "Create Date", "Job Title"},
		spec: fieldSpec{
			id: list("Record ID"), first: list("First Name"), last: list("Last Name"),
			email: list("Email"), phones: list("Mobile Phone Number", "Phone Number"),
			owner: list("Contact owner"), company: list("Company Name"),
			optOut: list("Unsubscribed from all email"),
		},
	}
}

// salesforceLayout is a Salesforce contacts report.
func salesforceLayout() layout {
	return layout{
		name: LayoutSalesforce, all: []string{"Account Name"},
		anyOf: []string{"Mailing Country", "Mailing City", "Email Opt Out", "Contact Owner"},
		extra: []string{"Mailing City", "Mailing Street", "Title", "Salutation"},
		spec:  sfSpec(),
	}
}

// zohoLayout is a Zoho CRM contacts export; it differs from Salesforce in its
// Record Id and time columns.
func zohoLayout() layout {
	return layout{
		name: LayoutZoho, all: []string{"Account Name"},
		anyOf: []string{"Record Id", "Contact Owner.id", "Created Time", "Modified Time"},
		extra: []string{"Mailing City", "Mailing Street", "Title", "Salutation", "Lead Source",
			"Created Time", "Modified Time", "Created By", "Modified By", "Full Name",
			"Secondary Email", "Home Phone", "Other Phone", "Contact Owner.id"},
		spec: sfSpec(),
	}
}

// sfSpec is the columns Salesforce and Zoho contact exports share.
func sfSpec() fieldSpec {
	return fieldSpec{
		id: list("Record Id"), owner: list("Contact Owner"), first: list("First Name"),
		last: list("Last Name"), full: list("Full Name"), company: list("Account Name"),
		email:   list("Email", "Secondary Email"),
		phones:  list("Mobile", "Phone", "Home Phone", "Other Phone"),
		country: list("Mailing Country"), optOut: list("Email Opt Out"),
	}
}

// bitrix24Layout is a Bitrix24 contacts export with Turkish headers.
func bitrix24Layout() layout {
	return layout{
		name: LayoutBitrix24, all: []string{"Adı", "Soyadı"},
		anyOf: []string{"Sorumlu", "E-posta (iş)", "Telefon (cep)", "Telefon (iş)",
			"Ticari ileti onayı"},
		extra: []string{"Pozisyon", "Oluşturulma tarihi", "İkinci adı"},
		spec: fieldSpec{
			id: list("ID"), first: list("Adı"), last: list("Soyadı"), company: list("Şirket"),
			email: list("E-posta (iş)", "E-posta (ev)", "E-posta (diğer)", "E-posta"),
			phones: list("Telefon (cep)", "Telefon (iş)", "Telefon (ev)", "Telefon (diğer)",
				"Telefon"),
			owner: list("Sorumlu"), consent: list("Ticari ileti onayı"),
		},
	}
}

// excelTRLayout is a contact list kept in Excel with Turkish headers.
func excelTRLayout() layout {
	return layout{
		name: LayoutExcelTR, all: []string{"Ad Soyad"},
		anyOf: []string{"Firma", "E-posta", "Cep Tel", "Sabit Tel", "Temsilci", "İzin"},
		extra: []string{"Kayıt Tarihi"},
		spec: fieldSpec{
			full: list("Ad Soyad"), company: list("Firma"), email: list("E-posta"),
			phones: list("Cep Tel", "Sabit Tel"), owner: list("Temsilci"),
			consent: list("İzin"),
		},
	}
}

// pipedriveLayout is a Pipedrive people export, with or without "Person - ".
func pipedriveLayout() layout {
	return layout{
		name: LayoutPipedrive,
		anyOf: []string{"Person - Name", "Person - Email", "Person - Phone", "Person - Owner",
			"Person - Organization", "Organization"},
		extra: []string{"Label", "Person - Label", "Open deals", "Closed deals"},
		spec: fieldSpec{
			full: list("Name", "Person - Name"), first: list("First name", "Person - First name"),
			last: list("Last name", "Person - Last name"),
			email: list("Email", "Person - Email", "Person - Email - Work",
				"Person - Email - Home", "Person - Email - Other"),
			phones: list("Phone - Mobile", "Person - Phone - Mobile", "Phone", "Person - Phone",
				"Person - Phone - Work", "Person - Phone - Home", "Person - Phone - Other"),
			owner:   list("Owner", "Person - Owner"),
			company: list("Organization", "Person - Organization"),
		},
	}
}

// genericSpec is the synonyms, in English and Turkish, used when no known layout
// matches, and for the fields a known layout leaves unresolved.
func genericSpec() fieldSpec {
	return fieldSpec{
		id: list("ID", "Record ID", "Contact ID", "External ID", "Customer ID", "Kayıt No",
			"Müşteri No"),
		first: list("First Name", "First", "Given Name", "Forename", "Ad", "Adı", "İsim"),
		last:  list("Last Name", "Last", "Surname", "Family Name", "Soyad", "Soyadı", "Soyisim"),
		full: list("Full Name", "Name", "Contact Name", "Ad Soyad", "Adı Soyadı",
			"İsim Soyisim", "Kişi", "Kişi Adı", "Müşteri Adı", "Contact", "Person", "Ad-Soyad"),
		company: list("Company", "Company Name", "Account Name", "Account", "Organization",
			"Organisation", "Firma", "Firma Adı", "Şirket", "Şirket Adı", "Kurum"),
		email: list("Email", "E-mail", "E-posta", "Mail", "Email Address", "E-posta Adresi",
			"Mail Adresi", "Work Email", "Mail Address", "İş e-posta", "İş e-postası",
			"E-posta (iş)", "Business Email", "Primary Email", "Email 1", "Eposta Adresi",
			"Elektronik Posta", "Kurumsal e-posta"),
		phones: list("Mobile", "Mobile Phone", "Mobile Phone Number", "Mobile Number", "Cell",
			"Cell Phone", "GSM", "GSM No", "Cep", "Cep Tel", "Cep Telefonu", "Cep No",
			"Telefon (cep)", "Mobil", "Phone", "Phone Number", "Telephone", "Tel", "Telefon",
			"Telefon No", "Sabit Tel", "Sabit Telefon", "İş Telefonu", "Telefon (iş)",
			"Work Phone", "Business Phone", "Office Phone", "Home Phone", "Mobil telefon",
			"Mobil Tel", "Mobil No", "GSM Numarası", "Cep Telefon No", "Cep Numarası",
			"Telephone Number", "Tel No", "Telefon Numarası", "Phone 1", "İş Tel"),
		owner: list("Owner", "Contact Owner", "Manager", "Account Manager", "Sales Rep",
			"Sales Representative", "Temsilci", "Müşteri Temsilcisi", "Satış Temsilcisi",
			"Sorumlu", "Sorumlu Kişi", "Account Owner", "Assigned To", "Sales Owner",
			"Satış Sorumlusu", "Müşteri Sorumlusu", "Sorumlu Temsilci", "Portföy Sahibi"),
		country: list("Country", "Ülke", "Mailing Country", "Country/Region"),
		optOut: list("Opt Out", "Opted Out", "Email Opt Out", "Unsubscribed",
			"Unsubscribed from all email", "Do Not Email", "Do Not Contact"),
		consent: list("Consent", "Marketing Consent", "Email Consent", "Permission", "İzin",
			"Onay", "Ticari İleti Onayı", "İletişim İzni", "Pazarlama İzni", "KVKK Onayı"),
	}
}

// list returns its arguments; it keeps the tables short.
func list(headers ...string) []string { return headers }

// headerKey folds a header for matching: Turkish-aware case folding, Turkish
// letters to ASCII, and only letters and digits kept ("E-posta (iş)" → "epostais").
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = foldRune(r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldRune lower-cases r and maps Turkish letters (either case) to ASCII, so that
// English and Turkish case rules meet: "ID", "İd" and "ıd" all give "id".
func foldRune(r rune) rune {
	switch r {
	case 'I', 'İ', 'ı', 'î', 'Î':
		return 'i'
	case 'Ş', 'ş':
		return 's'
	case 'Ğ', 'ğ':
		return 'g'
	case 'Ü', 'ü', 'û', 'Û':
		return 'u'
	case 'Ö', 'ö':
		return 'o'
	case 'Ç', 'ç':
		return 'c'
	case 'Â', 'â':
		return 'a'
	}
	return unicode.ToLower(r)
}

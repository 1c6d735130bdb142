package importer

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
)

// readAll reads every record of r.
func readAll(t *testing.T, r *Reader) []Record {
	t.Helper()
	var recs []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		require.NoError(t, err)
		recs = append(recs, rec)
	}
}

// openFixture opens testdata/name with a reader named after the file.
func openFixture(t *testing.T, name string, opts Options) (*Reader, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	opts.Name = name
	return NewReader(f, opts)
}

// inputs returns the Input of every record, requiring none to be rejected.
func inputs(t *testing.T, recs []Record) []contact.Input {
	t.Helper()
	out := make([]contact.Input, len(recs))
	for i, rec := range recs {
		require.Nil(t, rec.Err, "row %d", rec.Row)
		out[i] = rec.Input
	}
	return out
}

// phones builds a phone cell list from column/raw pairs.
func phones(pairs ...string) []contact.PhoneCell {
	var out []contact.PhoneCell
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, contact.PhoneCell{Column: pairs[i], Raw: pairs[i+1]})
	}
	return out
}

// layoutCase is a fixture and what reading it gives.
type layoutCase struct {
	file, layout, encoding string
	want                   []contact.Input
}

// layoutCases lists one fixture per layout and encoding.
func layoutCases() []layoutCase {
	return []layoutCase{
		{"hubspot.csv", LayoutHubSpot, encUTF8, []contact.Input{
			{ExternalID: "101", FirstName: "Ayşe", LastName: "Yılmaz",
				Email: "ayse.yilmaz@example.com", Company: "Örnek, Ltd. Şti.",
				Phones: phones("Mobile Phone Number", "0532 111 22 33",
					"Phone Number", "0212 555 12 34"), Owner: "Zeynep Kılıç"},
			{ExternalID: "102", FirstName: "Mehmet", LastName: "Demir",
				Email: "mehmet.demir@example.com", Owner: "Emre Çetin", OptOut: true},
			{ExternalID: "103", Email: "info@firma.example.com", Company: `Firma "Bir" A.Ş.`,
				Phones: phones("Phone Number", "0212 555 00 00")},
		}},
		{"salesforce_bom_crlf.csv", LayoutSalesforce, encUTF8BOM, []contact.Input{
			{Owner: "Burak Öztürk", FirstName: "Gökhan", LastName: "İnce",
				Company: "Ege Enerji Ltd. Şti.", Email: "gokhan.ince@example.com",
				Phones:  phones("Mobile", "+905321112233", "Phone", "+902125551234"),
				Country: "TR", OptOut: true},
			{Owner: "Elif Güneş", LastName: "[not provided]", Company: "Kuzey, A.Ş.",
				Email: "info@kuzey.example.com", Country: "Türkiye"},
		}},
		{"bitrix24_1254.csv", LayoutBitrix24, enc1254, []contact.Input{
			{ExternalID: "1005", FirstName: "Sıla", LastName: "Eren",
				Company: "Yedi Çınar; Ambalaj", Email: "sila.eren@example.com",
				Phones: phones("Telefon (cep)", "+90 (552) 051-89-79",
					"Telefon (iş)", "0212-536-62-66"), Owner: "Zeynep Kılıç"},
			{ExternalID: "1007", FirstName: "Tuncay", LastName: "Erdem",
				Company: "Çınar Ltd. Şti.", Email: "tuncay@example.com",
				Phones: phones("Telefon (iş)", "0212 536 62 67"), Owner: "Emre Çetin",
				OptOut: true},
		}},
		{"excel_tr_1254_crlf.csv", LayoutExcelTR, enc1254, []contact.Input{
			{FullName: "hasan  Tuncer", Company: "Ege Medikal A.Ş.",
				Email: "hasan.tuncer@example.com", Phones: phones("Cep Tel", "5321234567"),
				Owner: "İpek Doğan"},
			{FullName: "Ümran Su Çakır", Company: "Boğaziçi; Lojistik",
				Email: "umran@example.com", Phones: phones("Cep Tel", "905321234568"),
				Owner: "İPEK  DOĞAN", OptOut: true},
			{FullName: "ŞULE IŞIK", Phones: phones("Sabit Tel", "2125551234"),
				Owner: "ipek.dogan@example.com"},
		}},
		{"utf16le_tab.txt", LayoutExcelTR, encUTF16LE, []contact.Input{
			{FullName: "Gül Şen", Company: "Şen \"Gıda\", Un\tve Yağ", Email: "gul@example.com",
				Phones: phones("Cep Tel", "5321234567"), Owner: "Emre Çetin"},
			{FullName: "Ali Kaya", Company: "Kaya Ltd", Email: "ali@example.com",
				Phones: phones("Sabit Tel", "2125551234"), OptOut: true},
		}},
		{"zoho.csv", LayoutZoho, encUTF8, []contact.Input{
			{ExternalID: "zcrm_1", Owner: "Serkan Aydın", FirstName: "Deniz", LastName: "Kara",
				Company: "Kara Tekstil", Email: "deniz@example.com",
				Phones:  phones("Mobile", "+90 533 111 22 44", "Phone", "+90 212 555 12 35"),
				Country: "Turkey", OptOut: true},
		}},
		{"pipedrive.csv", LayoutPipedrive, encUTF8, []contact.Input{
			{FullName: "Can Öz", Company: "Öz Ltd", Email: "can@example.com",
				Phones: phones("Person - Phone", "0532 999 88 77"), Owner: "Elif Güneş"},
		}},
		{"generic_min.csv", LayoutGeneric, encUTF8, []contact.Input{
			{FirstName: "Ali", LastName: "Veli", Email: "ali@example.com",
				Phones: phones("phone", "05321112233"), Owner: "Zeynep Kılıç"},
		}},
		{"generic_full.csv", LayoutGeneric, encUTF8, []contact.Input{
			{FirstName: "Ali", LastName: "Veli", Email: "ali@example.com",
				Phones: phones("mobile", "05321112233", "phone", "02125551234"),
				Owner:  "Zeynep", Company: "ACME", Country: "DE"},
		}},
		{"quoted_multiline.csv", LayoutGeneric, encUTF8, []contact.Input{
			{FullName: "Ayşe Yılmaz", Company: "Yılmaz, Kaya ve Ortakları",
				Email: `"Ayşe" <ayse@example.com>`, Phones: phones("Phone", "0532 111 22 33"),
				Owner: "Zeynep"},
			{FullName: "Ali Can", Email: "ali@example.com", Owner: "Emre"},
		}},
	}
}

func TestReaderLayouts(t *testing.T) {
	t.Parallel()
	tests := layoutCases()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			r, err := openFixture(t, tt.file, Options{})
			require.NoError(t, err)
			require.Equal(t, tt.layout, r.Layout())
			require.Equal(t, tt.encoding, r.Encoding())
			require.Equal(t, tt.want, inputs(t, readAll(t, r)))
		})
	}
}

func TestReaderRowsAndLines(t *testing.T) {
	t.Parallel()
	type row struct {
		row, line int
		reason    string // "" for an accepted row
	}
	tests := []struct {
		file string
		want []row
	}{
		{"quoted_multiline.csv", []row{{1, 2, ""}, {2, 5, ""}}},
		{"excel_tr_1254_crlf.csv", []row{{1, 2, ""}, {2, 3, ""}, {3, 5, ""}}},
		{"field_count.csv", []row{{1, 2, ""}, {2, 3, "has 4 fields, header has 5"},
			{3, 4, "has 6 fields, header has 5"}, {4, 5, ""}}},
		{"bare_quote.csv", []row{{1, 2, ""}, {2, 3, reasonUnclosedQuote}, {3, 4, ""},
			{4, 5, reasonUnclosedQuote}, {5, 6, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			r, err := openFixture(t, tt.file, Options{})
			require.NoError(t, err)
			var got []row
			for _, rec := range readAll(t, r) {
				reason := ""
				if rec.Err != nil {
					reason = rec.Err.Reason
					require.Equal(t, tt.file, rec.Err.File)
					require.Equal(t, rec.Row, rec.Err.Row)
					require.Equal(t, contact.Input{}, rec.Input)
				}
				got = append(got, row{rec.Row, rec.Line, reason})
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func TestReaderBareQuoteKeepsText(t *testing.T) {
	t.Parallel()
	r, err := openFixture(t, "bare_quote.csv", Options{})
	require.NoError(t, err)
	recs := readAll(t, r)
	require.Equal(t, `Ve"li`, recs[0].Input.LastName)
	require.Equal(t, "Can", recs[2].Input.FirstName)
	require.Equal(t, "Eve", recs[4].Input.FirstName)
}

func TestReaderRowErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, column, reason string
	}{
		{"nothing to identify", "first,last,email,phone,owner\n,,-,yok,Zeynep\n",
			"", reasonNoContact},
		{"unknown consent", "Ad Soyad;E-posta;İzin\nAli Veli;a@example.com;belki\n",
			"İzin", reasonOptOutValue},
		{"one row not UTF-8 in a UTF-8 file", "name,email\nŞükrü Öz,s@example.com\n" +
			"Ay\xfee,a@example.com\n", "name", reasonNotUTF8},
		{"unclosed quote at the end", "name,email\nAli,\"ali@example.com\n", "",
			reasonUnclosedQuote},
		{"line too long", "name,email\nAli," + strings.Repeat("x", maxRecordBytes) + "\n",
			"", reasonLongLine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewReader(strings.NewReader(tt.in), Options{Name: "x.csv"})
			require.NoError(t, err)
			recs := readAll(t, r)
			last := recs[len(recs)-1]
			require.NotNil(t, last.Err)
			require.Equal(t, tt.column, last.Err.Column)
			require.Equal(t, tt.reason, last.Err.Reason)
			require.Equal(t, contact.Input{}, last.Input)
		})
	}
}

func TestRowErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  RowError
		want string
	}{
		{RowError{File: "hubspot.csv", Row: 17, Column: "Email", Reason: "bad"},
			`hubspot.csv: row 17, column "Email": bad`},
		{RowError{File: "a.csv", Row: 2, Reason: "has 9 fields, header has 11"},
			"a.csv: row 2: has 9 fields, header has 11"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestNewReaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		opts     Options
		want     []string // substrings of the error
		not      []string // must not appear
	}{
		{"empty", " \n\n", Options{Name: "e.csv"}, []string{"e.csv", "no header"}, nil},
		{"no contact columns", "Company,City,Owner\nACME,İstanbul,Zeynep\n",
			Options{Name: "c.csv"},
			[]string{"c.csv", `"Company", "City", "Owner"`, "no name, e-mail or phone"}, nil},
		{"data instead of a header", "Ali,ali@example.com,05321112233\n",
			Options{Name: "d.csv"}, []string{"d.csv", "looks like a data row, not a header"},
			[]string{"Ali", "ali@example.com", "05321112233"}},
		{"unknown owner column", "name,email\n", Options{Name: "o.csv", OwnerColumn: "Bayi"},
			[]string{"o.csv", `"Bayi"`}, nil},
		{"unnamed", "", Options{}, []string{"<input>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewReader(strings.NewReader(tt.in), tt.opts)
			require.Error(t, err)
			for _, s := range tt.want {
				require.Contains(t, err.Error(), s)
			}
			for _, s := range tt.not {
				require.NotContains(t, err.Error(), s)
			}
		})
	}
}

func TestReaderFixtureFile(t *testing.T) {
	t.Parallel()
	_, err := openFixture(t, "no_contact_columns.csv", Options{})
	require.ErrorContains(t, err, "no_contact_columns.csv: no name, e-mail or phone column")
}

// A file without a header line: the error says so and quotes none of the
// first line's cells, which are a person's data.
func TestReaderNoHeaderQuotesNoData(t *testing.T) {
	t.Parallel()
	_, err := openFixture(t, "noheader.csv", Options{})
	require.ErrorContains(t, err, "looks like a data row, not a header; its 5 cells are not shown")
	for _, s := range []string{"Ayşe", "Yılmaz", "ayse@", "0532", "Zeynep"} {
		require.NotContains(t, err.Error(), s)
	}
}

func TestReaderHeaderAndOwnerColumn(t *testing.T) {
	t.Parallel()
	in := "\ufeffName , Email,Owner,Account Manager\nAli Veli,a@example.com,Zeynep,Emre\n"
	tests := []struct {
		name, ownerColumn, want string
	}{
		{"detected", "", "Zeynep"},
		{"override", "account  manager", "Emre"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewReader(strings.NewReader(in), Options{OwnerColumn: tt.ownerColumn})
			require.NoError(t, err)
			require.Equal(t, []string{"Name", "Email", "Owner", "Account Manager"}, r.Header())
			recs := readAll(t, r)
			require.Len(t, recs, 1)
			require.Equal(t, tt.want, recs[0].Input.Owner)
		})
	}
}

func TestReaderLineEnds(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in string }{
		{"LF", "name,email\nAli Veli,ali@example.com\n\nCan Öz,can@example.com"},
		{"CRLF", "name,email\r\nAli Veli,ali@example.com\r\n\r\nCan Öz,can@example.com\r\n"},
		{"CR (old Mac)", "name,email\rAli Veli,ali@example.com\r\rCan Öz,can@example.com\r"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewReader(strings.NewReader(tt.in), Options{})
			require.NoError(t, err)
			recs := readAll(t, r)
			require.Len(t, recs, 2)
			require.Equal(t, []int{2, 4}, []int{recs[0].Line, recs[1].Line})
			require.Equal(t, []int{1, 2}, []int{recs[0].Row, recs[1].Row})
			require.Equal(t, "can@example.com", recs[1].Input.Email)
		})
	}
}

// endless repeats b without end, like /dev/zero.
type endless struct{ b byte }

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.b
	}
	return len(p), nil
}

func TestReaderEndlessInput(t *testing.T) {
	t.Parallel()
	t.Run("NoLineEnd", func(t *testing.T) {
		t.Parallel()
		r, err := NewReader(io.MultiReader(strings.NewReader("name,email\nAli,"), endless{'x'}),
			Options{Name: "x.csv"})
		require.NoError(t, err)
		_, err = r.Next()
		require.ErrorIs(t, err, errLineTooLong)
		require.ErrorContains(t, err, "x.csv: after row 0: line 2:")
	})
	t.Run("Zeros", func(t *testing.T) {
		t.Parallel()
		_, err := NewReader(endless{0}, Options{Name: "zero"})
		require.ErrorIs(t, err, errLineTooLong)
	})
	t.Run("CancelStops", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := NewReader(ContextReader(ctx, endless{'\n'}), Options{Name: "nl"})
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestReaderLongQuotedFields(t *testing.T) {
	t.Parallel()
	t.Run("ManyLines", func(t *testing.T) {
		t.Parallel()
		note := strings.Repeat("satır\n", 500)
		in := "name,email,notes\nAli,ali@example.com,\"" + note + "\"\nCan,can@example.com,x\n"
		r, err := NewReader(strings.NewReader(in), Options{Name: "n.csv"})
		require.NoError(t, err)
		recs := readAll(t, r)
		require.Len(t, recs, 2)
		require.Nil(t, recs[0].Err)
		require.Nil(t, recs[1].Err)
		require.Equal(t, "can@example.com", recs[1].Input.Email)
		require.Equal(t, 503, recs[1].Line)
	})
	t.Run("OverTheByteLimit", func(t *testing.T) {
		t.Parallel()
		note := strings.Repeat("a line of a very long note\n", 300_000)
		in := "name,email,notes\nAli,ali@example.com,\"" + note + "end\",x@example.com,y\n" +
			"Can,can@example.com,x\n"
		r, err := NewReader(strings.NewReader(in),
			Options{Name: "n.csv"})
		require.NoError(t, err)
		recs := readAll(t, r)
		require.Len(t, recs, 2, "the field is one rejected row; no fragment becomes a row")
		require.NotNil(t, recs[0].Err)
		require.Equal(t, reasonLongField, recs[0].Err.Reason)
		require.Equal(t, 2, recs[0].Line)
		require.Nil(t, recs[1].Err)
		require.Equal(t, "can@example.com", recs[1].Input.Email)
	})
}

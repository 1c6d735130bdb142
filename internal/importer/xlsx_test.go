package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crier-dev/crier/internal/contact"
)

// workbook builds an XLSX workbook whose first sheet holds rows from A1 down; a nil
// row leaves its sheet row empty. Numbers are stored as numbers, as Excel stores
// a phone column it took for numbers.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	book := excelize.NewFile()
	defer func() { require.NoError(t, book.Close()) }()
	sheet := book.GetSheetName(0)
	for i, row := range rows {
		if row == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, book.SetSheetRow(sheet, cell, &row))
	}
	var buf bytes.Buffer
	_, err := book.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

// excelRows is a Turkish Excel contact list as a workbook: phones typed as numbers
// lost their leading 0 or +, a blank sheet row, a row with too many cells.
func excelRows() [][]any {
	return [][]any{
		{"Ad Soyad", "Firma", "E-posta", "Cep Tel", "Sabit Tel", "Temsilci", "İzin"},
		{"hasan  TUNCER", "Ege Medikal A.Ş.", "hasan@example.com", 5321234567, nil,
			"İPEK  DOĞAN", "Evet"},
		nil,
		{"Ümran Su Çakır", "Boğaziçi; Lojistik", "umran@example.com", 905321234568,
			"0212 555 12 34", "ipek.dogan@example.com", "Hayır"},
		{"Şule Işık", nil, "sule@gmial.com", "5,32123E+09", 2125551234},
		{"Ali Kaya", "Kaya Ltd", "ali@example.com", nil, nil, "Emre Çetin", "Evet",
			"stray"},
	}
}

func TestReadXLSX(t *testing.T) {
	t.Parallel()
	r, err := NewReader(bytes.NewReader(workbook(t, excelRows()...)),
		Options{Name: "liste.xlsx"})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close()) })
	require.Equal(t, LayoutExcelTR, r.Layout())
	require.Equal(t, encXLSX, r.Encoding())

	recs := readAll(t, r)
	require.Len(t, recs, 4)
	want := []contact.Input{
		{FullName: "hasan  TUNCER", Company: "Ege Medikal A.Ş.", Email: "hasan@example.com",
			Phones: phones("Cep Tel", "5321234567"), Owner: "İPEK  DOĞAN"},
		{FullName: "Ümran Su Çakır", Company: "Boğaziçi; Lojistik",
			Email:  "umran@example.com",
			Phones: phones("Cep Tel", "905321234568", "Sabit Tel", "0212 555 12 34"),
			Owner:  "ipek.dogan@example.com", OptOut: true},
		{FullName: "Şule Işık", Email: "sule@gmial.com",
			Phones: phones("Cep Tel", "5,32123E+09", "Sabit Tel", "2125551234")},
	}
	require.Equal(t, want, inputs(t, recs[:3]))
	require.Equal(t, []int{1, 2, 3, 4}, []int{recs[0].Row, recs[1].Row, recs[2].Row,
		recs[3].Row})
	require.Equal(t, []int{2, 4, 5, 6}, []int{recs[0].Line, recs[1].Line, recs[2].Line,
		recs[3].Line}, "Line is the sheet row")
	require.EqualError(t, recs[3].Err, "liste.xlsx: row 4: has 8 fields, header has 7")
}

func TestReadXLSXMapping(t *testing.T) {
	t.Parallel()
	book := workbook(t,
		[]any{"Kişi", "Mail", "GSM", "Sorumlu kişi"},
		[]any{"AYŞE YILMAZ", "Ayse <ayse@example.com>", 5331112233, "Zeynep Kılıç"},
	)
	m, err := LoadMapping(strings.NewReader(
		"full_name = Kişi\nemail = Mail\nphone = GSM\nowner = Sorumlu kişi\n"))
	require.NoError(t, err)
	r, err := NewReader(bytes.NewReader(book), Options{Name: "x.xlsx", Mapping: m})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, r.Close()) })
	require.Equal(t, LayoutMapping, r.Layout())
	require.Equal(t, []contact.Input{{FullName: "AYŞE YILMAZ",
		Email: "Ayse <ayse@example.com>", Phones: phones("GSM", "5331112233"),
		Owner: "Zeynep Kılıç"}}, inputs(t, readAll(t, r)))
}

func TestReadXLSXErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, want string
		in         []byte
	}{
		{"empty sheet", "empty.xlsx: empty file: no header line", workbook(t)},
		{"no contact columns", "empty.xlsx: no name, e-mail or phone column",
			workbook(t, []any{"Tarih", "Tutar"}, []any{"01.02.2024", 12})},
		{"a ZIP that is no workbook", "empty.xlsx: reading workbook:",
			[]byte("PK\x03\x04 not really a zip archive")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewReader(bytes.NewReader(tc.in), Options{Name: "empty.xlsx"})
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestCheckXLSX(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "liste.xlsx")
	require.NoError(t, os.WriteFile(path, workbook(t, excelRows()...), 0o600))
	var out bytes.Buffer
	require.NoError(t, Check(context.Background(), []string{path}, CheckOptions{}, &out))

	var rows []CheckRow
	dec := json.NewDecoder(&out)
	for dec.More() {
		var row CheckRow
		require.NoError(t, dec.Decode(&row))
		rows = append(rows, row)
	}
	require.Len(t, rows, 4)
	got := func(i int) []string {
		r := rows[i]
		return []string{r.FirstName, r.LastName, r.PhoneE164, r.PhoneType, r.EmailSuggestion}
	}
	require.Equal(t, []string{"Hasan", "Tuncer", "+905321234567", "mobile", ""}, got(0))
	require.Equal(t, []string{"Ümran Su", "Çakır", "+905321234568", "mobile", ""}, got(1))
	require.Equal(t, []string{"Şule", "Işık", "+902125551234", "fixed_line",
		"sule@gmail.com"}, got(2))
	require.Equal(t, []contact.Flag{contact.FlagEmailTypoSuspected,
		contact.FlagPhoneNotMobile, contact.FlagOwnerMissing}, rows[2].Flags)
	require.Equal(t, "has 8 fields, header has 7", rows[3].Error)
}

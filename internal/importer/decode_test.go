package importer

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestSniffEncoding(t *testing.T) {
	t.Parallel()
	// "Ş" cut after its first byte at the end of a full sample is still UTF-8.
	cut := append(bytes.Repeat([]byte("a"), sampleSize-1), "Ş"[0])
	tests := []struct {
		name   string
		sample []byte
		want   string
		bom    int
	}{
		{"ascii", []byte("name,email\n"), encUTF8, 0},
		{"utf-8", []byte("Adı;Şirket\n"), encUTF8, 0},
		{"utf-8 bom", []byte("\xef\xbb\xbfname\n"), encUTF8BOM, 3},
		{"utf-16le bom", []byte("\xff\xfen\x00a\x00"), encUTF16LE, 2},
		{"utf-16be bom", []byte("\xfe\xff\x00n\x00a"), encUTF16BE, 2},
		{"utf-16le no bom", []byte("n\x00a\x00m\x00e\x00\t\x00"), encUTF16LE, 0},
		{"utf-16be no bom", []byte("\x00n\x00a\x00m\x00e\x00\t"), encUTF16BE, 0},
		{"windows-1254", []byte("Ad\xfd;\xdeirket\n"), enc1254, 0},
		{"rune cut by the sample", cut, encUTF8, 0},
		{"empty", nil, encUTF8, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, bom, _ := sniffEncoding(tt.sample)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.bom, bom)
		})
	}
}

func TestDecodeInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"windows-1254", []byte("Ad\xfd;\xdeirket;\xdd\xfeyeri\n"), "Adı;Şirket;İşyeri\n"},
		{"utf-16le", []byte("\xff\xfe\x5e\x01e\x00n\x00"), "Şen"},
		{"utf-16be", []byte("\xfe\xff\x01\x5e\x00e\x00n"), "Şen"},
		{"utf-8 bom", []byte("\xef\xbb\xbfŞen"), "Şen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, r, err := decodeInput(bytes.NewReader(tt.in))
			require.NoError(t, err)
			got, err := io.ReadAll(r)
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got))
		})
	}
}

// TestFixtureBytes guards the encoded fixtures against being re-encoded by an
// editor or by line-end conversion.
func TestFixtureBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		prefix  []byte
		newline string // a line end the file must have
		crlf    bool
		utf8    bool
	}{
		{"salesforce_bom_crlf.csv", []byte("\xef\xbb\xbf\"Contact Owner\""), "\r\n", true, true},
		{"bitrix24_1254.csv", []byte("\"ID\";\"Ad\xfd\";"), "\n", false, false},
		{"excel_tr_1254_crlf.csv", []byte("Ad Soyad;Firma;"), "\r\n", true, false},
		{"utf16le_tab.txt", []byte("\xff\xfeA\x00d\x00"), "\r\x00\n\x00", true, false},
		{"hubspot.csv", []byte("\"Record ID\","), "\n", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(b, tt.prefix))
			require.True(t, bytes.Contains(b, []byte(tt.newline)))
			require.Equal(t, tt.crlf, bytes.Contains(b, []byte("\r")))
			require.Equal(t, tt.utf8, utf8.Valid(b))
		})
	}
}

func TestSniffDelimiter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line string
		want byte
	}{
		{"first,last,email", ','},
		{"Ad Soyad;Firma;E-posta", ';'},
		{"Ad Soyad\tFirma\tE-posta", '\t'},
		{`"Name, full";"Email";"Phone"`, ';'},
		{`"a;b;c",d,e`, ','},
		{"email", ','},
		{"a;b,c", ';'},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, string(tt.want), string(sniffDelimiter([]byte(tt.line))))
		})
	}
}

func TestQuoteOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line    string
		inQuote bool
		want    bool
	}{
		{"a,b,c\n", false, false},
		{`a,"b,c",d` + "\n", false, false},
		{`a,"b` + "\n", false, true},
		{`a,"b ""c"" d",e` + "\r\n", false, false},
		{`a,b"c,d` + "\n", false, false},
		{`a, "b,c` + "\n", false, false},
		{`a,"b"x,c` + "\n", false, true},
		{`end of field",x` + "\n", true, false},
		{`still "inside` + "\n", true, true},
		{`closes at the end"` + "\r\n", true, false},
		{`""` + "\n", true, true},
		{`a,""` + "\n", false, false},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSpace(tt.line), func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, quoteOpen([]byte(tt.line), ',', tt.inQuote))
		})
	}
}

func TestRecordScannerRecovers(t *testing.T) {
	t.Parallel()
	// Line 3 opens a quote that closes on line 5, giving a record of the wrong
	// size: line 3 is rejected and lines 4 and 5 are read again on their own.
	in := "a,b,c\n1,2,3\n\"4,5,6\n7,8,9\nx\",y\n10,11,12\n"
	tests := []struct {
		line   int
		fields []string
		reason string
	}{
		{1, []string{"a", "b", "c"}, ""},
		{2, []string{"1", "2", "3"}, ""},
		{3, nil, reasonUnclosedQuote},
		{4, []string{"7", "8", "9"}, ""},
		{5, []string{`x"`, "y"}, ""},
		{6, []string{"10", "11", "12"}, ""},
	}
	s := newRecordScanner(newLineSource(strings.NewReader(in)), ',')
	for i, tt := range tests {
		rec, err := s.next()
		require.NoError(t, err, "record %d", i)
		require.Equal(t, tt.line, rec.line)
		require.Equal(t, tt.fields, rec.fields)
		require.Equal(t, tt.reason, rec.reason)
		s.want = 3
	}
	_, err := s.next()
	require.ErrorIs(t, err, io.EOF)
}

func TestMixedEncodingFile(t *testing.T) {
	t.Parallel()
	r, err := openFixture(t, "mixed_utf8_1254.csv", Options{})
	require.NoError(t, err)
	require.Equal(t, encUTF8, r.Encoding())
	recs := readAll(t, r)
	require.Len(t, recs, 6)
	for i, rec := range recs {
		if i == 4 {
			require.NotNil(t, rec.Err, "the Windows-1254 row")
			require.Equal(t, "first", rec.Err.Column)
			require.Equal(t, reasonNotUTF8, rec.Err.Reason)
			continue
		}
		require.Nil(t, rec.Err, "row %d", rec.Row)
	}
	require.Equal(t, "Şükrü", recs[0].Input.FirstName)
	require.Equal(t, "Işık", recs[5].Input.LastName)
}

func TestWindows1254AfterTheSample(t *testing.T) {
	t.Parallel()
	in := "first,last,email\n" + strings.Repeat("Ali,Veli,ali@example.com\n", 4000) +
		"Ay\xfee,Y\xfdlmaz,ayse@example.com\n"
	r, err := NewReader(strings.NewReader(in), Options{Name: "late.csv"})
	require.NoError(t, err)
	recs := readAll(t, r)
	last := recs[len(recs)-1]
	require.Nil(t, last.Err)
	require.Equal(t, "Ayşe", last.Input.FirstName)
	require.Equal(t, "Yılmaz", last.Input.LastName)
}

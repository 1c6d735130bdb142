package importer

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the export reader: encoding sniffing, the
// delimiter, quotes, line ends, header mapping and row splitting. Whatever the input,
// it must not panic, must number rows 1, 2, 3, ... on non-decreasing lines, and a
// rejected row must say why without holding a cell's text. `go test` runs the seeds
// and the cases kept in testdata/fuzz.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"first,last,email,phone,owner\nAli,Veli,ali@example.com,0532 111 22 33,Zeynep\n",
		"\ufeff\"Contact Owner\",\"First Name\",\"Email\"\r\n\"Elif\",\"Gül\",\"a@b.com\"\r\n",
		"Ad Soyad;E-posta;Cep Tel\n\"Yedi; Çınar\";a@b.com;5,32123E+09\n",
		"name\temail\n\"multi\nline\"\tx@y.z\n",
		"email\n\"unclosed\n",
		"a,b\n\"x\"y\",z\n",
		"",
		"\xff\xfeA\x00d\x00\t\x00E\x00\n\x00",
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte("Ad Soyad;E-posta\n\xdd\xfeIK;\xfe@b.com\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), Options{Name: "f.csv"})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		defer r.Close()
		lastLine := 0
		for row := 1; ; row++ {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "f.csv: ") {
					t.Fatalf("error does not name the file: %v", err)
				}
				return
			}
			if rec.Row != row || rec.Line < lastLine {
				t.Fatalf("row %d on line %d after line %d", rec.Row, rec.Line, lastLine)
			}
			lastLine = rec.Line
			if rec.Err != nil && (rec.Err.Reason == "" || rec.Err.Row != row) {
				t.Fatalf("row %d rejected without a reason: %+v", row, rec.Err)
			}
		}
	})
}

package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sampleSize is how much of the file the encoding is decided from.
const sampleSize = 64 << 10

// Encoding names, as Reader.Encoding reports them.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
	enc1254    = "windows-1254"
)

// decodeInput sniffs the encoding of r from its first 64 KiB and returns the
// encoding's name and a reader of the text as UTF-8, without a byte order mark.
func decodeInput(r io.Reader) (string, io.Reader, error) {
	br := bufio.NewReaderSize(r, sampleSize)
	sample, err := br.Peek(sampleSize)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", nil, fmt.Errorf("reading: %w", err)
	}
	name, bom, dec := sniffEncoding(sample)
	if _, err := br.Discard(bom); err != nil {
		return "", nil, fmt.Errorf("reading: %w", err)
	}
	if name == encUTF8 && isASCII(sample) && len(sample) == sampleSize {
		return encUTF8, &lateDecoder{br: br}, nil
	}
	if dec == nil {
		return name, br, nil
	}
	return name, transform.NewReader(br, dec), nil
}

// sniffEncoding decides the encoding from the start of a file: a byte order mark,
// UTF-16 without one (NUL bytes in every other place), valid UTF-8, and otherwise
// Windows-1254 (a superset of ISO-8859-9 for text). It returns the name, the
// length of the byte order mark and the decoder (nil for UTF-8).
func sniffEncoding(sample []byte) (string, int, *encoding.Decoder) {
	le := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	be := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8BOM, 3, nil
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}):
		return encUTF16LE, 2, le.NewDecoder()
	case bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return encUTF16BE, 2, be.NewDecoder()
	}
	switch utf16Order(sample) {
	case 'l':
		return encUTF16LE, 0, le.NewDecoder()
	case 'b':
		return encUTF16BE, 0, be.NewDecoder()
	}
	if mostlyUTF8(trimPartialRune(sample)) {
		return encUTF8, 0, nil
	}
	return enc1254, 0, charmap.Windows1254.NewDecoder()
}

// How the encoding of text without a byte order mark is decided:
//   - a sample whose non-ASCII characters are mostly (at least 4 in 5) valid
//     UTF-8 is UTF-8: a row that is not (an edit saved in another encoding)
//     is rejected on its own, naming its row and column, rather than the whole
//     file being read as Windows-1254 with every other name garbled;
//   - a sample with fewer is Windows-1254: its Turkish letters are single bytes
//     that almost never happen to form UTF-8 sequences;
//   - a sample that is all ASCII decides nothing: the first non-ASCII bytes,
//     wherever they come in the file, decide it (lateDecoder).

// mostlyUTF8 reports whether at least 4 in 5 of the non-ASCII characters of b
// are valid UTF-8 (true for ASCII).
func mostlyUTF8(b []byte) bool {
	good, bad := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			bad++
		} else {
			good++
		}
		b = b[n:]
	}
	return bad == 0 || (good > 0 && good >= 4*bad)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lateDecoder reads a file whose first 64 KiB are ASCII: it passes ASCII
// through and, at the first non-ASCII byte, decides the rest of the file by the
// 4 KiB from there: UTF-8 if they are mostly valid UTF-8, else Windows-1254.
type lateDecoder struct {
	br      *bufio.Reader
	decided io.Reader
}

// Read implements io.Reader.
func (d *lateDecoder) Read(p []byte) (int, error) {
	if d.decided != nil {
		return d.decided.Read(p)
	}
	ahead, err := d.br.Peek(min(len(p), d.br.Size()))
	if len(ahead) == 0 {
		return 0, err
	}
	i := 0
	for i < len(ahead) && ahead[i] < utf8.RuneSelf {
		i++
	}
	if i > 0 {
		return d.br.Read(p[:i])
	}
	window, _ := d.br.Peek(4 << 10) // an error shows again on the next read
	if mostlyUTF8(trimPartialRune(window)) {
		d.decided = d.br
	} else {
		d.decided = transform.NewReader(d.br, charmap.Windows1254.NewDecoder())
	}
	return d.decided.Read(p)
}

// utf16Order guesses UTF-16 without a byte order mark from NUL bytes: 'l' when
// most odd bytes of the first 1 KiB are NUL and no even one is (little endian),
// 'b' for the reverse, 0 otherwise.
func utf16Order(sample []byte) byte {
	n := min(len(sample), 1024) &^ 1
	if n < 4 {
		return 0
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if sample[i] == 0 {
			even++
		}
		if sample[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*3 >= pairs && even == 0:
		return 'l'
	case even*3 >= pairs && odd == 0:
		return 'b'
	}
	return 0
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b, where the
// sample may have cut a character in two.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// sniffDelimiter picks the delimiter of a header line: whichever of tab, ';' and
// ',' occurs most often outside quotes (ties in that order); ',' when none does.
func sniffDelimiter(line []byte) byte {
	counts := map[byte]int{}
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == '\t' || c == ';' || c == ','):
			counts[c]++
		}
	}
	best, bestN := byte(','), 0
	for _, c := range []byte{'\t', ';', ','} {
		if counts[c] > bestN {
			best, bestN = c, counts[c]
		}
	}
	return best
}

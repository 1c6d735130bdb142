package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// Limits on one record, so that memory stays bounded whatever the input. A
// quoted field may span any number of lines; what is bounded is bytes:
//   - a record (so each of its fields) is kept up to maxRecordBytes; a quoted
//     field still open past that is skipped up to its closing quote and its
//     record rejected as one row naming its first line, so that no fragment of
//     it is ever read as a row of its own;
//   - a physical line longer than maxLineBytes is not text: reading stops with
//     an error (a file such as /dev/zero cannot keep the reader busy forever).
const (
	maxRecordBytes = 1 << 20  // bytes of one physical line or record
	maxLineBytes   = 64 << 20 // bytes of a line, read and dropped, before giving up
)

// Reasons for records that cannot be split into fields.
const (
	reasonUnclosedQuote = "quoted field is not closed (stray quote?); " +
		"reading went on with the next line"
	reasonBadQuotes = "malformed quoting"
	reasonLongLine  = "line is longer than 1 MiB"
	reasonLongField = "a quoted field is longer than 1 MiB; " +
		"the row was skipped up to the field's closing quote"
)

// errLineTooLong ends the reading of a file that has a line longer than maxLineBytes.
var errLineTooLong = errors.New("a line is longer than 64 MiB: not a text export")

// physLine is one physical line of the decoded text.
type physLine struct {
	num  int    // 1-based line number
	text []byte // the line with its line end; owned by lineSource unless replayed
	long bool   // the line was longer than maxRecordBytes; text is cut
}

// lineSource hands out the physical lines of a text, first any lines pushed back.
type lineSource struct {
	br      *bufio.Reader
	num     int
	buf     []byte
	pending []physLine
}

// newLineSource reads lines from r. Text whose first 64 KiB has carriage returns
// but no line feed (old Mac line ends) has its carriage returns read as line feeds.
func newLineSource(r io.Reader) *lineSource {
	br := bufio.NewReaderSize(r, sampleSize)
	sample, _ := br.Peek(sampleSize) // an error shows again on the first read
	if bytes.IndexByte(sample, '\r') >= 0 && bytes.IndexByte(sample, '\n') < 0 {
		br = bufio.NewReaderSize(crToLF{br}, sampleSize)
	}
	return &lineSource{br: br}
}

// crToLF reads r with every carriage return turned into a line feed.
type crToLF struct{ r io.Reader }

// Read implements io.Reader.
func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// next returns the next line. Its text is valid until the next call.
func (s *lineSource) next() (physLine, error) {
	if len(s.pending) > 0 {
		l := s.pending[0]
		s.pending = s.pending[1:]
		return l, nil
	}
	s.buf = s.buf[:0]
	long := false
	size := 0
	for {
		chunk, err := s.br.ReadSlice('\n')
		size += len(chunk)
		if len(s.buf)+len(chunk) <= maxRecordBytes {
			s.buf = append(s.buf, chunk...)
		} else {
			long = true
		}
		if size > maxLineBytes {
			return physLine{}, fmt.Errorf("line %d: %w", s.num+1, errLineTooLong)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(s.buf) == 0 && !long:
			return physLine{}, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return physLine{}, err
		}
		s.num++
		return physLine{num: s.num, text: s.buf, long: long}, nil
	}
}

// pushFront makes lines (copied) the next ones handed out, in their order.
func (s *lineSource) pushFront(lines ...physLine) {
	front := make([]physLine, 0, len(lines)+len(s.pending))
	for _, l := range lines {
		l.text = bytes.Clone(l.text)
		front = append(front, l)
	}
	s.pending = append(front, s.pending...)
}

// rawRecord is one record of the text, split into fields by encoding/csv.
type rawRecord struct {
	line   int      // physical line where the record starts
	fields []string // nil when reason is set
	reason string   // why the record could not be split
}

// recordScanner finds record boundaries itself (tracking quotes as encoding/csv
// with LazyQuotes does) and has encoding/csv split each record into fields. A
// quoted field that is not closed within the limits, or that runs over lines
// and gives the wrong number of fields, rejects its first line only: reading
// goes on with the line after it.
type recordScanner struct {
	lines *lineSource
	delim byte
	want  int // fields per record; -1 while reading the header
	buf   []byte
	ends  []int // end offset in buf of each line of the record
	feed  *feeder
	csv   *csv.Reader
}

// newRecordScanner splits the lines of src into records.
func newRecordScanner(src *lineSource, delim byte) *recordScanner {
	f := &feeder{}
	cr := csv.NewReader(f)
	cr.Comma = rune(delim)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	return &recordScanner{lines: src, delim: delim, want: -1, feed: f, csv: cr}
}

// setWidth sets the number of fields a record has.
func (s *recordScanner) setWidth(n int) { s.want = n }

// next returns the next record, skipping blank lines; io.EOF at the end.
func (s *recordScanner) next() (rawRecord, error) {
	for {
		first, err := s.lines.next()
		if err != nil {
			return rawRecord{}, err
		}
		if first.long {
			return rawRecord{line: first.num, reason: reasonLongLine}, nil
		}
		if isBlankLine(first.text) {
			continue
		}
		return s.assemble(first)
	}
}

// assemble reads the record starting with first.
func (s *recordScanner) assemble(first physLine) (rawRecord, error) {
	s.buf = append(s.buf[:0], first.text...)
	s.ends = append(s.ends[:0], len(s.buf))
	open := quoteOpen(first.text, s.delim, false)
	for open {
		l, err := s.lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rawRecord{}, err
		}
		if l.long || len(s.buf)+len(l.text) > maxRecordBytes {
			return s.skipField(first.num, l)
		}
		s.buf = append(s.buf, l.text...)
		s.ends = append(s.ends, len(s.buf))
		open = quoteOpen(l.text, s.delim, true)
	}
	fields, err := s.split()
	multi := len(s.ends) > 1
	if open || (multi && s.want >= 0 && len(fields) != s.want) {
		s.replay(first.num)
		return rawRecord{line: first.num, reason: reasonUnclosedQuote}, nil
	}
	if err != nil {
		return rawRecord{line: first.num, reason: reasonBadQuotes}, nil
	}
	return rawRecord{line: first.num, fields: fields}, nil
}

// skipField reads past a quoted field that outgrew maxRecordBytes, from line l
// to the line where the field closes (or the end of the text), and rejects the
// record as one row.
func (s *recordScanner) skipField(firstNum int, l physLine) (rawRecord, error) {
	for {
		if l.long || !quoteOpen(l.text, s.delim, true) {
			// A line cut for its length is no place to look for the closing quote:
			// the record ends there.
			return rawRecord{line: firstNum, reason: reasonLongField}, nil
		}
		var err error
		l, err = s.lines.next()
		if errors.Is(err, io.EOF) {
			return rawRecord{line: firstNum, reason: reasonLongField}, nil
		}
		if err != nil {
			return rawRecord{}, err
		}
	}
}

// replay pushes the lines after the first one of the current record back.
func (s *recordScanner) replay(firstNum int) {
	lines := make([]physLine, 0, len(s.ends)-1)
	for i := 1; i < len(s.ends); i++ {
		text := s.buf[s.ends[i-1]:s.ends[i]]
		lines = append(lines, physLine{num: firstNum + i, text: text})
	}
	s.lines.pushFront(lines...)
}

// split has encoding/csv split the record in buf. It fails when csv does, or
// when csv sees more than one record in it.
func (s *recordScanner) split() ([]string, error) {
	s.feed.b = s.buf
	fields, err := s.csv.Read()
	if err != nil {
		s.drain()
		return nil, err
	}
	if _, err := s.csv.Read(); !errors.Is(err, io.EOF) {
		s.drain()
		return nil, errors.New(reasonBadQuotes)
	}
	return fields, nil
}

// drain discards what is left of the current record in the csv reader.
func (s *recordScanner) drain() {
	for {
		if _, err := s.csv.Read(); errors.Is(err, io.EOF) {
			return
		}
	}
}

// feeder is the csv reader's input: the current record, then io.EOF. encoding/csv
// does not keep an io.EOF, so after one record the next can be fed.
type feeder struct{ b []byte }

// Read implements io.Reader.
func (f *feeder) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// quoteOpen reports whether a quoted field is still open at the end of line,
// given whether one was open at its start. A quote opens a field only at the
// field's start; inside, "" is a quote and a quote followed by anything but the
// delimiter or the line end is kept as text (as LazyQuotes does).
func quoteOpen(line []byte, delim byte, inQuote bool) bool {
	fieldStart := !inQuote
	for i := 0; i < len(line); i++ {
		c := line[i]
		if !inQuote {
			inQuote = c == '"' && fieldStart
			fieldStart = c == delim
			continue
		}
		if c != '"' {
			continue
		}
		rest := line[i+1:]
		switch {
		case len(rest) > 0 && rest[0] == '"':
			i++
		case len(rest) > 0 && rest[0] == delim:
			inQuote, fieldStart = false, true
			i++
		case isLineEnd(rest):
			inQuote = false
		}
	}
	return inQuote
}

// isLineEnd reports whether b is nothing but a line end.
func isLineEnd(b []byte) bool {
	s := string(b)
	return s == "" || s == "\n" || s == "\r\n" || s == "\r"
}

// isBlankLine reports whether a line holds only white space.
func isBlankLine(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0
}

package bounce

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode ISO-2022-JP, Windows-125x, ... bodies
	"github.com/emersion/go-message/textproto"
)

// parsed is a message taken apart: the parts a classifier looks at.
type parsed struct {
	header     message.Header
	subject    string
	reportType string   // report-type of a multipart/report, lower-cased
	texts      []string // text/plain parts outside attached messages
	htmls      []string // text/html parts outside attached messages
	status     []byte   // message/delivery-status bodies
	feedback   []byte   // message/feedback-report body
	original   *textproto.Header
	// originalRaw is the attached message (or its headers) as sent back.
	originalRaw []byte
}

// notice is the human-readable text of the message: its plain-text parts, or
// its HTML parts stripped of tags.
func (m *parsed) notice() string {
	if len(m.texts) > 0 {
		return strings.Join(m.texts, "\n")
	}
	return htmlToText(strings.Join(m.htmls, "\n"))
}

// originalHeader returns a header of the attached original message, "" when
// there is none.
func (m *parsed) originalHeader(key string) string {
	if m.original == nil {
		return ""
	}
	return m.original.Get(key)
}

func parseMessage(data []byte) (*parsed, error) {
	data = normalizeNewlines(data)
	data = stripFromLine(data)
	e, err := message.Read(bytes.NewReader(sanitizeHeader(data)))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("parse message header: %w", err)
	}
	m := &parsed{header: e.Header}
	m.subject, _ = e.Header.Text("Subject")
	if walkErr := e.Walk(m.visit); walkErr != nil && len(m.texts)+len(m.status) == 0 {
		// A broken MIME structure: keep what is readable as plain text.
		m.texts = append(m.texts, string(bodyOf(data)))
	}
	return m, nil
}

// visit collects one MIME part; attached messages are kept whole, not walked.
func (m *parsed) visit(path []int, part *message.Entity, err error) error {
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return err
	}
	mediaType, params, _ := part.Header.ContentType()
	mediaType = strings.ToLower(mediaType)
	if path == nil {
		m.reportType = strings.ToLower(params["report-type"])
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(part.Body, maxMessage))
	if err != nil && len(body) == 0 {
		return nil // an undecodable part: skip it
	}
	m.keep(mediaType, normalizeNewlines(body))
	return nil
}

func (m *parsed) keep(mediaType string, body []byte) {
	switch mediaType {
	case "message/delivery-status", "message/global-delivery-status":
		m.status = append(append(m.status, body...), '\n', '\n')
	case "message/feedback-report":
		m.feedback = body
	case "message/rfc822", "message/global", "message/rfc822-headers",
		"text/rfc822-headers", "message/global-headers", "message/partial":
		if m.original == nil {
			h := readHeader(body)
			m.original, m.originalRaw = &h, body
		}
	case "text/plain", "":
		m.texts = append(m.texts, string(body))
	case "text/html":
		m.htmls = append(m.htmls, string(body))
	}
}

// readHeader reads the header block at the start of b, skipping lines that
// are not header fields.
func readHeader(b []byte) textproto.Header {
	b = stripFromLine(b)
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(sanitizeHeader(b))))
	if err != nil {
		return textproto.Header{}
	}
	return h
}

func normalizeNewlines(b []byte) []byte {
	if !bytes.ContainsRune(b, '\r') {
		return b
	}
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// stripFromLine drops an mbox "From " separator line at the start of b.
func stripFromLine(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("From ")) {
		return b
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return nil
}

var headerLine = regexp.MustCompile(`^[!-9;-~]+[ \t]*:`)

// sanitizeHeader drops header-block lines that are neither fields nor
// continuations, which would make the MIME reader give up.
func sanitizeHeader(b []byte) []byte {
	end := bytes.Index(b, []byte("\n\n"))
	if end < 0 {
		end = len(b)
	}
	var out bytes.Buffer
	out.Grow(len(b))
	started := false
	for line := range strings.SplitSeq(string(b[:end]), "\n") {
		continuation := line != "" && (line[0] == ' ' || line[0] == '\t')
		if headerLine.MatchString(line) || (continuation && started) {
			out.WriteString(line)
			out.WriteByte('\n')
			started = true
		}
	}
	out.Write(b[end:])
	if end == len(b) {
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// bodyOf returns what follows the header block of a raw message.
func bodyOf(b []byte) []byte {
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		return b[i+2:]
	}
	return nil
}

var (
	htmlHidden = regexp.MustCompile(`(?is)<(style|script|head)\b.*?</(style|script|head)>`)
	htmlBreak  = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/li|/h\d|p|div)\b[^>]*>`)
	htmlTag    = regexp.MustCompile(`<[^>]*>`)
)

func htmlToText(s string) string {
	s = htmlHidden.ReplaceAllString(s, "")
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

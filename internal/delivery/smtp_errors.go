package delivery

import (
	"context"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"

	mail "github.com/wneessen/go-mail"
)

// kindForReason decides the Kind from the SMTP stage and the reply code (0
// when there was no reply).
func kindForReason(r mail.SendErrReason, code int) ErrorKind {
	switch r {
	case mail.ErrSMTPRcptTo, mail.ErrSMTPData:
		return byClass(code, Permanent, Temporary)
	case mail.ErrSMTPMailFrom:
		return byClass(code, Config, Temporary)
	case mail.ErrSMTPDataClose:
		return byClass(code, Permanent, Ambiguous)
	case mail.ErrWriteContent:
		return Ambiguous
	case mail.ErrConnCheck:
		return Temporary
	case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
		return Config
	default:
		return Ambiguous
	}
}

// byClass returns on5 for 5xx, Temporary for 4xx, none otherwise.
func byClass(code int, on5, none ErrorKind) ErrorKind {
	switch code / 100 {
	case 5:
		return on5
	case 4:
		return Temporary
	default:
		return none
	}
}

// classifyDial maps an error from connecting, EHLO, STARTTLS or AUTH:
// network trouble and 4xx replies are Temporary; anything else (5xx, bad
// credentials, TLS verification, no STARTTLS) is Config.
func classifyDial(err error) *Error {
	e := &Error{Channel: ChannelEmail, Kind: Config, Err: err, op: "connect: " + err.Error()}
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		e.Code = strconv.Itoa(tpe.Code)
		e.Detail = strconv.Itoa(tpe.Code) + " " + tpe.Msg
		_, e.Enhanced, _ = parseReply(e.Detail)
		if tpe.Code/100 == 4 {
			e.Kind = Temporary
		}
		return e
	}
	if isNetworkError(err) {
		e.Kind = Temporary
	}
	return e
}

// isNetworkError reports whether err is a connection-level failure.
func isNetworkError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, net.ErrClosed)
}

// parseReply reads an SMTP reply such as "550 5.1.1 <a@b>: User unknown":
// its code and, when the text starts with one, its enhanced status code of
// the same class. ok is false when s does not start with a 4xx/5xx/2xx code.
func parseReply(s string) (code int, enhanced string, ok bool) {
	if len(s) < 4 || s[0] < '2' || s[0] > '5' || (s[3] != ' ' && s[3] != '-') {
		return 0, "", false
	}
	code, err := strconv.Atoi(s[:3])
	if err != nil || code < 200 {
		return 0, "", false
	}
	fields := strings.Fields(s[4:])
	if len(fields) == 0 {
		return code, "", true
	}
	word := fields[0]
	parts := strings.Split(word, ".")
	if len(parts) != 3 || parts[0] != s[:1] {
		return code, "", true
	}
	for _, p := range parts[1:] {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || len(p) > 3 {
			return code, "", true
		}
	}
	return code, word, true
}

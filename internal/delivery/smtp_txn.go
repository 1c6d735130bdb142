package delivery

import (
	"errors"
	"net/textproto"
	"strconv"

	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// stageError is a failed SMTP transaction and the stage it failed at.
type stageError struct {
	stage mail.SendErrReason
	err   error
}

func (e *stageError) Error() string { return e.stage.String() + ": " + e.err.Error() }
func (e *stageError) Unwrap() error { return e.err }

// transaction sends msg on sc as MAIL, RCPT, DATA and the final dot: the
// fewest round trips SMTP allows without pipelining. go-mail's own send adds a
// NOOP before and a RSET after every message; neither is needed on a
// connection crier owns alone. A dead pooled connection fails at MAIL, before
// anything was sent, and the caller redials. After a failure the connection's
// state is unknown, so the caller closes it rather than resetting it.
func transaction(sc *smtp.Client, msg *mail.Msg) *stageError {
	from, err := msg.GetSender(false)
	if err != nil {
		return &stageError{stage: mail.ErrGetSender, err: err}
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return &stageError{stage: mail.ErrGetRcpts, err: err}
	}
	if err := sc.Mail(from); err != nil {
		return &stageError{stage: mail.ErrSMTPMailFrom, err: err}
	}
	for _, rcpt := range rcpts {
		if err := sc.Rcpt(rcpt); err != nil {
			return &stageError{stage: mail.ErrSMTPRcptTo, err: err}
		}
	}
	w, err := sc.Data()
	if err != nil {
		return &stageError{stage: mail.ErrSMTPData, err: err}
	}
	if _, err := msg.WriteTo(w); err != nil {
		return &stageError{stage: mail.ErrWriteContent, err: err}
	}
	if err := w.Close(); err != nil {
		return &stageError{stage: mail.ErrSMTPDataClose, err: err}
	}
	return nil
}

// classifyStage maps a failed transaction: the stage and the reply code decide
// the Kind (see kindForReason).
func classifyStage(se *stageError) *Error {
	e := &Error{Channel: ChannelEmail, Err: se.err, op: se.stage.String()}
	code := 0
	var tpe *textproto.Error
	if errors.As(se.err, &tpe) {
		code = tpe.Code
		e.Code = strconv.Itoa(code)
		e.Detail = e.Code + " " + tpe.Msg
		if _, enh, ok := parseReply(e.Detail); ok {
			e.Enhanced = enh
		}
	}
	// Without a reply, MAIL, RCPT and DATA failed before anything was handed
	// over (Temporary); the content or the final dot may have arrived
	// (Ambiguous). kindForReason knows both.
	e.Kind = kindForReason(se.stage, code)
	return e
}

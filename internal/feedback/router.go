// Package feedback brings back what became of sent messages: bounce mail
// (from crier's inbound SMTP receiver or from mbox/maildir/.eml files) and
// provider events (Amazon SES, SendGrid, Postmark, Mailgun webhooks). Each
// report is routed to the message it is about and the outcome rules of
// bounce.Policy are applied to it, with the raw evidence kept.
package feedback

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/store"
)

// Store is what the router needs from the database.
type Store interface {
	BounceTargetByID(ctx context.Context, id int64) (store.BounceTarget, error)
	BounceTargetByProviderID(ctx context.Context, providerID string) (store.BounceTarget, error)
	BounceTargetByAddress(ctx context.Context, channel, address string,
		since time.Time) (store.BounceTarget, error)
	BounceApply(ctx context.Context, p store.BounceApplyParams) (store.BounceResult, error)
	ContactsConsentSMS(ctx context.Context, p store.ConsentSMSParams) (int64, error)
}

// Config are the router's settings.
type Config struct {
	// VERP reads per-message return paths; nil when no bounce domain is set.
	VERP *bounce.VERP
	// Policy are the outcome rules; zero fields take bounce.DefaultPolicy.
	Policy bounce.Policy
	// MatchWindow is how far back a bounce that names no message is matched
	// by recipient alone. Default 30 days.
	MatchWindow time.Duration
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// Router routes reports to messages and applies the outcome rules.
type Router struct {
	store  Store
	cfg    Config
	logger *slog.Logger
}

// NewRouter returns a router.
func NewRouter(st Store, cfg Config, logger *slog.Logger) *Router {
	cfg.Policy = cfg.Policy.WithDefaults()
	if cfg.MatchWindow <= 0 {
		cfg.MatchWindow = 30 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Router{store: st, cfg: cfg, logger: logger}
}

// How a report was matched to its message.
const (
	MatchedVERP      = "verp"       // the signed return path named it
	MatchedMessageID = "message_id" // the bounced message's Message-ID (or X-Crier-Message)
	MatchedRecipient = "recipient"  // the latest message sent to the recipient
	MatchedNone      = ""           // no message of crier's
)

// maxEvidenceBytes is how much of a bounce mail is kept as evidence; the
// rest is cut and marked so.
const (
	maxEvidenceBytes  = 256 << 10
	evidenceTruncated = "\n[... truncated by crier ...]\n"
)

// Result is what became of one report.
type Result struct {
	Report    bounce.Report
	MessageID int64  // 0 when unmatched or ignored
	MatchedBy string // one of the Matched constants
	// Ignored says why the report changed nothing: auto_reply, not_bounce,
	// unmatched; "" when it was applied.
	Ignored string
	Applied store.BounceResult
}

// Event is one report from a provider webhook.
type Event struct {
	Provider string // ses, sendgrid, postmark, mailgun
	Report   bounce.Report
	// ProviderMessageID is the provider's own ID for the message, when it
	// differs from the Message-ID header; matched against the ledger too.
	ProviderMessageID string
	// Final is false for a delay notice.
	Final bool
	// Payload is the event as received, kept as evidence.
	Payload any
	// ID identifies the event at the provider, so that a retried webhook
	// applies once; "" hashes the payload.
	ID string
}

// HandleEvent routes and applies a provider event.
func (r *Router) HandleEvent(ctx context.Context, e Event) (Result, error) {
	res := Result{Report: e.Report}
	if ignored := ignoredReason(e.Report); ignored != "" {
		res.Ignored = ignored
		return res, nil
	}
	t, matched, err := r.locate(ctx, e.Report, e.ProviderMessageID, true)
	if err != nil || matched == MatchedNone {
		res.Ignored = "unmatched"
		return res, err
	}
	digest := e.ID
	if digest == "" {
		digest = fmt.Sprintf("%v", e.Payload)
	}
	ev := store.Evidence{Provider: e.Provider, Kind: string(e.Report.Class),
		Digest: hash(e.Provider, digest, e.Report.Recipient), Payload: map[string]any{
			"event": e.Payload, "class": e.Report.Class, "reason": e.Report.Reason,
			"status": string(e.Report.Class), "code": e.Report.Status,
			"diagnostic": e.Report.Diagnostic, "matched_by": matched,
		}}
	return r.apply(ctx, t, matched, e.Report, e.Final, ev)
}

// Mail is one inbound e-mail: a bounce, a complaint, or anything else that
// reached the bounce address.
type Mail struct {
	// Source says where it came from: SourceSMTP or SourceFile.
	Source string
	// Recipients are the envelope recipients (RCPT TO); for a file, the
	// caller may leave them empty and the router reads Delivered-To,
	// X-Original-To and To.
	Recipients []string
	Data       []byte
}

// Sources of Mail.
const (
	SourceSMTP = "smtp" // the inbound receiver: anyone may have sent it
	SourceFile = "file" // a mailbox an operator ingests
)

// HandleMail classifies a mail and applies each report it holds. A mail that
// is no bounce gives one ignored Result. Routing errors of one report do not
// stop the others; the first is returned.
func (r *Router) HandleMail(ctx context.Context, m Mail) ([]Result, error) {
	reports, err := bounce.ParseBytes(m.Data)
	if err != nil {
		return nil, fmt.Errorf("classify mail: %w", err)
	}
	verpID := r.verpMessage(m)
	var out []Result
	var first error
	for _, rep := range reports {
		res, err := r.mailReport(ctx, m, rep, verpID, len(reports) == 1)
		if err != nil && first == nil {
			first = err
		}
		out = append(out, res)
	}
	return out, first
}

func (r *Router) mailReport(ctx context.Context, m Mail, rep bounce.Report, verpID int64,
	only bool) (Result, error) {
	res := Result{Report: rep}
	if ignored := ignoredReason(rep); ignored != "" {
		res.Ignored = ignored
		return res, nil
	}
	t, matched, err := r.locateMail(ctx, m, rep, verpID, only)
	if err != nil || matched == MatchedNone {
		res.Ignored = "unmatched"
		return res, err
	}
	ev := store.Evidence{Provider: "dsn", Kind: string(rep.Class),
		Digest: hash("dsn", string(m.Data), rep.Recipient), Payload: map[string]any{
			"source": m.Source, "class": rep.Class, "reason": rep.Reason,
			"status": string(rep.Class), "code": rep.Status, "diagnostic": rep.Diagnostic,
			"matched_by": matched, "raw": evidenceText(m.Data),
		}}
	return r.apply(ctx, t, matched, rep, !strings.HasPrefix(rep.Status, "4."), ev)
}

// ignoredReason says why a report changes nothing, "" when it does.
func ignoredReason(rep bounce.Report) string {
	if rep.Class != bounce.NotBounce || rep.Reason == bounce.ReasonDelivered {
		return ""
	}
	return rep.Reason
}

func (r *Router) apply(ctx context.Context, t store.BounceTarget, matched string,
	rep bounce.Report, final bool, ev store.Evidence) (Result, error) {
	res := Result{Report: rep, MessageID: t.MessageID, MatchedBy: matched}
	p := store.BounceApplyParams{MessageID: t.MessageID, Evidence: ev, Source: ev.Provider,
		Code: rep.Status, Detail: rep.Diagnostic}
	if rep.Reason == bounce.ReasonDelivered {
		p.Status = r.cfg.Policy.Delivered().MessageStatus
	} else {
		o, _ := rep.Outcome()
		a := r.cfg.Policy.Decide(t.Channel, o, final)
		p.Status, p.Suppress, p.Flag, p.FlagDetail = a.MessageStatus, a.Suppress, string(a.Flag), a.Words
		p.CountSoft, p.SoftReason, p.SoftLimit, p.SoftWindow = a.CountSoft, o.Reason, a.SoftLimit, a.SoftWindow
		p.SoftFlag, p.SoftDetail, p.WithdrawConsent = string(a.SoftFlag), a.SoftWords, a.WithdrawConsent
	}
	applied, err := r.store.BounceApply(ctx, p)
	if err != nil {
		return res, err
	}
	res.Applied = applied
	r.logger.InfoContext(ctx, "Feedback applied", "message_id", t.MessageID,
		"provider", ev.Provider, "class", rep.Class, "reason", rep.Reason,
		"matched_by", matched, "duplicate", applied.Duplicate, "flag", applied.Flagged)
	return res, nil
}

// locateMail finds the message of a bounce mail's report: the signed return
// path first, when it fits the report, then the Message-ID and recipient.
func (r *Router) locateMail(ctx context.Context, m Mail, rep bounce.Report, verpID int64,
	only bool) (store.BounceTarget, string, error) {
	if verpID > 0 {
		t, err := r.store.BounceTargetByID(ctx, verpID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return t, MatchedNone, err
		}
		// A return path names one message, so one recipient: in a DSN about
		// several, only the report on that recipient is the message's.
		if err == nil && (only || rep.Recipient == "" || sameRecipient(rep, t.Address)) {
			return t, MatchedVERP, nil
		}
	}
	// Anyone can send mail to the receiver: a bounce arriving over SMTP must
	// name its message by the signed return path or the Message-ID crier
	// wrote (random, so unguessable). Matching by recipient alone is for files
	// an operator ingests and for signed provider webhooks.
	return r.locate(ctx, rep, "", m.Source != SourceSMTP)
}

// locate finds a report's message by Message-ID (checked against the
// recipient when the report names one), then, when byRecipient, by recipient
// alone.
func (r *Router) locate(ctx context.Context, rep bounce.Report, providerID string,
	byRecipient bool) (store.BounceTarget, string, error) {
	for _, id := range []string{rep.MessageID, providerID} {
		if id == "" {
			continue
		}
		t, err := r.byMessageID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return t, MatchedNone, err
		}
		if rep.Recipient == "" || sameRecipient(rep, t.Address) {
			return t, MatchedMessageID, nil
		}
	}
	for _, addr := range []string{rep.Recipient, rep.OriginalRecipient} {
		if addr == "" || !byRecipient {
			continue
		}
		since := r.cfg.Now().Add(-r.cfg.MatchWindow)
		t, err := r.store.BounceTargetByAddress(ctx, "email", addr, since)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return t, MatchedNone, err
		}
		return t, MatchedRecipient, nil
	}
	return store.BounceTarget{}, MatchedNone, nil
}

// byMessageID looks a Message-ID up as the provider ID crier recorded, then
// reads crier's own ID out of it (<crier.ID.random@domain>, or the bare ID of
// an X-Crier-Message header).
func (r *Router) byMessageID(ctx context.Context, id string) (store.BounceTarget, error) {
	t, err := r.store.BounceTargetByProviderID(ctx, id)
	if !errors.Is(err, store.ErrNotFound) {
		return t, err
	}
	n, ok := crierMessageID(id)
	if !ok {
		return t, err
	}
	return r.store.BounceTargetByID(ctx, n)
}

// crierMessageID reads the message ID out of a Message-ID crier wrote.
func crierMessageID(id string) (int64, bool) {
	id = strings.Trim(strings.TrimSpace(id), "<>")
	if rest, ok := strings.CutPrefix(id, "crier."); ok {
		id, _, _ = strings.Cut(rest, ".")
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil && n > 0
}

func sameRecipient(rep bounce.Report, address string) bool {
	return strings.EqualFold(rep.Recipient, address) ||
		(rep.OriginalRecipient != "" && strings.EqualFold(rep.OriginalRecipient, address))
}

// hash is the digest of one report of one piece of evidence.
func hash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// evidenceText is the mail as kept in events: valid UTF-8 (JSON requires it),
// cut at maxEvidenceBytes.
func evidenceText(data []byte) string {
	cut := len(data) > maxEvidenceBytes
	if cut {
		data = data[:maxEvidenceBytes]
	}
	s := strings.ToValidUTF8(string(data), "\uFFFD")
	if cut {
		s += evidenceTruncated
	}
	return s
}

// envelopeHeaders are where a mail read from a file keeps the address it was
// delivered to, most reliable first.
var envelopeHeaders = []string{"X-Original-To", "Delivered-To", "Envelope-To", "X-Envelope-To", "To"}

// verpMessage returns the message a mail's envelope recipient names through
// its signed return path, 0 for none.
func (r *Router) verpMessage(m Mail) int64 {
	if r.cfg.VERP == nil {
		return 0
	}
	candidates := m.Recipients
	if len(candidates) == 0 {
		candidates = headerAddresses(m.Data, envelopeHeaders)
	}
	for _, addr := range candidates {
		if id, ok := r.cfg.VERP.MessageID(addr); ok {
			return id
		}
	}
	return 0
}

// headerAddresses returns the addresses in the named header fields of the
// mail's top-level header, in the order of names.
func headerAddresses(data []byte, names []string) []string {
	if bytes.HasPrefix(data, []byte("From ")) { // an mbox separator line
		_, data, _ = bytes.Cut(data, []byte("\n"))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	var out []string
	for _, name := range names {
		for _, v := range msg.Header[textproto.CanonicalMIMEHeaderKey(name)] {
			list, err := mail.ParseAddressList(v)
			if err != nil {
				out = append(out, strings.TrimSpace(v))
				continue
			}
			for _, a := range list {
				out = append(out, a.Address)
			}
		}
	}
	return out
}

// Known is an outcome learnt for a message crier already knows, such as a
// Twilio status callback (which names its message in the callback URL).
type Known struct {
	MessageID int64
	Outcome   bounce.Outcome
	Final     bool
	Evidence  store.Evidence
	Code      string
	Detail    string
	// Source names where the outcome was learnt on the flag
	// ("twilio_callback"); the evidence's provider when empty.
	Source string
}

// HandleKnown applies the outcome rules to a known message.
func (r *Router) HandleKnown(ctx context.Context, k Known) (store.BounceResult, error) {
	t, err := r.store.BounceTargetByID(ctx, k.MessageID)
	if err != nil {
		return store.BounceResult{}, err
	}
	a := r.cfg.Policy.Decide(t.Channel, k.Outcome, k.Final)
	res, err := r.store.BounceApply(ctx, store.BounceApplyParams{MessageID: k.MessageID,
		Evidence: k.Evidence, Status: a.MessageStatus, Code: k.Code, Detail: k.Detail,
		Suppress: a.Suppress, Flag: string(a.Flag), FlagDetail: a.Words,
		CountSoft: a.CountSoft, SoftReason: k.Outcome.Reason, SoftLimit: a.SoftLimit,
		SoftWindow: a.SoftWindow, SoftFlag: string(a.SoftFlag), SoftDetail: a.SoftWords,
		WithdrawConsent: a.WithdrawConsent, Source: cmp.Or(k.Source, k.Evidence.Provider)})
	if err != nil {
		return res, err
	}
	r.logger.InfoContext(ctx, "Outcome applied", "message_id", k.MessageID,
		"provider", k.Evidence.Provider, "class", k.Outcome.Class, "reason", k.Outcome.Reason,
		"duplicate", res.Duplicate, "flag", res.Flagged)
	return res, nil
}

// HandleSMSKeyword applies a customer's SMS keyword from phone: an opt-out
// withdraws the SMS consent of every contact with the number, an opt-in gives
// it back; the message is kept as evidence either way. It returns how many
// contacts changed.
func (r *Router) HandleSMSKeyword(ctx context.Context, phone string, k bounce.Keyword,
	ev store.Evidence) (int64, error) {
	p := store.ConsentSMSParams{Evidence: ev, Source: "sms_keyword"}
	if k != bounce.NoKeyword {
		p.Phone, p.Consent = phone, k == bounce.OptInKeyword
	}
	return r.store.ContactsConsentSMS(ctx, p)
}

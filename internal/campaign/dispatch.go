package campaign

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/delivery"
	"github.com/crier-dev/crier/internal/store"
)

// Ledger is the part of the store that decides whether a message may be sent
// and records what became of it.
type Ledger interface {
	MessageClaim(ctx context.Context, id int64) (store.MessageToSend, error)
	MessageSent(ctx context.Context, id int64, providerID string) error
	MessageRetry(ctx context.Context, id int64, code, detail string) error
	MessageFailed(ctx context.Context, id int64, code, detail string) error
	MessageUnknown(ctx context.Context, id int64, detail string) error
	MessageBounced(ctx context.Context, p store.BounceParams) error
}

// LoadFunc loads a campaign definition by slug.
type LoadFunc func(slug string) (*Campaign, error)

// DispatcherConfig are the settings a dispatcher renders and addresses with.
type DispatcherConfig struct {
	MailFrom  string // the company's sending address; the manager's name is shown with it
	PublicURL string // base of callback and unsubscribe links
	Links     *Links // signs unsubscribe links
	// Window is how many messages of a batch are claimed at once: the most a
	// batch has in doubt if its worker dies. 0 means 1.
	Window int
	// Limiter spaces sends out; nil means no limits.
	Limiter Limiter
}

// Dispatcher sends one planned message: it claims the message in the ledger,
// renders it for the contact, hands it to the channel's sender and records the
// outcome. The ledger's claim makes a task that runs twice send once.
type Dispatcher struct {
	ledger  Ledger
	batch   BatchLedger // the ledger's bulk statements; nil if it has none
	limiter Limiter     // nil: no limits
	email   delivery.EmailSender
	sms     delivery.SMSSender
	load    LoadFunc
	cfg     DispatcherConfig
	logger  *slog.Logger
}

// NewDispatcher returns a dispatcher. load is called once per campaign.
func NewDispatcher(ledger Ledger, email delivery.EmailSender, sms delivery.SMSSender,
	load LoadFunc, cfg DispatcherConfig, logger *slog.Logger) *Dispatcher {
	batch, _ := ledger.(BatchLedger)
	return &Dispatcher{ledger: ledger, batch: batch, limiter: cfg.Limiter, email: email, sms: sms,
		load: cached(load), cfg: cfg, logger: logger}
}

// ErrTemporary wraps a send that should be retried later; the message is back
// in the queue in the ledger.
var ErrTemporary = errors.New("campaign: temporary send failure")

// Send sends message id. lastAttempt says that no retry follows, so that a
// temporary failure becomes final. It returns an error wrapping ErrTemporary
// when the caller should retry, and nil otherwise: a message already handled,
// interrupted mid-send or of a paused campaign is not an error.
func (d *Dispatcher) Send(ctx context.Context, id int64, lastAttempt bool) error {
	m, err := d.ledger.MessageClaim(ctx, id)
	switch {
	case errors.Is(err, store.ErrAlreadyHandled), errors.Is(err, store.ErrNotRunning),
		errors.Is(err, store.ErrSuppressed):
		d.logger.DebugContext(ctx, "Message not sent", "message_id", id, "why", err)
		return nil
	case errors.Is(err, store.ErrInterrupted):
		d.logger.WarnContext(ctx, "Message was interrupted mid-send; recorded as unknown",
			"message_id", id)
		return nil
	case err != nil:
		return fmt.Errorf("%w: %w", ErrTemporary, err)
	}

	receipt, err := d.deliver(ctx, m)
	if err == nil {
		return d.ledger.MessageSent(ctx, m.ID, receipt.ProviderID)
	}
	return d.settle(ctx, m, err, lastAttempt)
}

func (d *Dispatcher) deliver(ctx context.Context, m store.MessageToSend) (delivery.Receipt, error) {
	c, err := d.load(m.CampaignSlug)
	if err != nil {
		return delivery.Receipt{}, &delivery.Error{Channel: m.Channel, Kind: delivery.Config,
			Detail: "campaign definition cannot be loaded", Err: err}
	}
	data := Data{
		Contact:        ContactData{FirstName: m.FirstName, LastName: m.LastName, Company: m.Company},
		Manager:        ManagerData{Name: m.OwnerName, Email: m.OwnerEmail},
		Campaign:       CampaignData{Name: c.Def.Name},
		UnsubscribeURL: d.cfg.Links.Unsubscribe(m.ID),
	}
	if m.Channel == ChannelSMS {
		body, err := c.RenderSMS(data)
		if err != nil {
			return delivery.Receipt{}, &delivery.Error{Channel: m.Channel, Kind: delivery.Config,
				Detail: "SMS template failed", Err: err}
		}
		return d.sms.SendSMS(ctx, delivery.SMS{MessageID: m.ID, To: m.Address, Body: body,
			StatusCallback: d.cfg.PublicURL + "/webhooks/twilio/status?message_id=" +
				strconv.FormatInt(m.ID, 10)})
	}
	mail, err := c.RenderEmail(data)
	if err != nil {
		return delivery.Receipt{}, &delivery.Error{Channel: m.Channel, Kind: delivery.Config,
			Detail: "e-mail template failed", Err: err}
	}
	// Replies reach the manager; a manager without an address gets no
	// Reply-To at all (never a name without an address), so replies go to
	// the sending address.
	replyTo := strings.TrimSpace(m.OwnerEmail)
	replyToName := ""
	if replyTo != "" {
		replyToName = m.OwnerName
	}
	return d.email.SendEmail(ctx, delivery.Email{
		MessageID: m.ID, FromName: m.OwnerName, FromAddress: d.cfg.MailFrom,
		ReplyToName: replyToName, ReplyTo: replyTo, To: m.Address,
		Subject: mail.Subject, Text: mail.Text, HTML: mail.HTML,
		Headers: d.cfg.Links.ListUnsubscribe(m.ID), ReturnPath: d.cfg.Links.ReturnPath(m.ID),
	})
}

// settle records a failed send. Anything that is not a clear answer from the
// provider is treated as ambiguous: recorded unknown, never resent blindly.
func (d *Dispatcher) settle(ctx context.Context, m store.MessageToSend, sendErr error, last bool) error {
	var derr *delivery.Error
	if !errors.As(sendErr, &derr) {
		derr = &delivery.Error{Channel: m.Channel, Kind: delivery.Ambiguous, Err: sendErr}
	}
	code := derr.Code
	if derr.Enhanced != "" {
		code += " " + derr.Enhanced
	}
	log := d.logger.With("message_id", m.ID, "channel", m.Channel, "code", code)

	switch derr.Kind {
	case delivery.Permanent:
		o := outcomeOf(m.Channel, derr)
		if o.Class == bounce.Soft {
			break // a full mailbox is retried like any temporary failure
		}
		log.InfoContext(ctx, "Message bounced", "reason", o.Reason)
		return d.ledger.MessageBounced(ctx, store.BounceParams{
			MessageID: m.ID, Status: o.Status(), Code: code, Detail: derr.Detail,
			Suppress: o.Suppress(), Flag: string(o.Flag), FlagDetail: o.Words, Source: m.Channel,
			WithdrawConsent: o.WithdrawConsent(),
		})
	case delivery.Ambiguous:
		log.WarnContext(ctx, "Send outcome unknown; not resending", "error", sendErr)
		return d.ledger.MessageUnknown(ctx, m.ID, derr.Error())
	}
	if last {
		log.WarnContext(ctx, "Message failed after retries", "error", sendErr)
		return d.ledger.MessageFailed(ctx, m.ID, code, derr.Error())
	}
	if err := d.ledger.MessageRetry(ctx, m.ID, code, derr.Error()); err != nil {
		return fmt.Errorf("%w: %w", ErrTemporary, err)
	}
	log.InfoContext(ctx, "Message will be retried", "error", sendErr)
	return fmt.Errorf("%w: %w", ErrTemporary, sendErr)
}

func outcomeOf(channel string, derr *delivery.Error) bounce.Outcome {
	if channel == ChannelSMS {
		n, _ := strconv.Atoi(derr.Code)
		return bounce.FromTwilio(n)
	}
	return bounce.FromSMTP(derr.Code, derr.Enhanced)
}

// cached wraps load so that each campaign is read and parsed once.
func cached(load LoadFunc) LoadFunc {
	var mu sync.Mutex // guards loaded
	loaded := map[string]*Campaign{}
	return func(slug string) (*Campaign, error) {
		mu.Lock()
		defer mu.Unlock()
		if c, ok := loaded[slug]; ok {
			return c, nil
		}
		c, err := load(slug)
		if err != nil {
			return nil, err
		}
		loaded[slug] = c
		return c, nil
	}
}

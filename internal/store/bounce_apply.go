package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BounceTarget is the message a bounce, complaint or provider event is about.
type BounceTarget struct {
	MessageID int64
	ContactID int64
	Channel   string
	Address   string
	Status    string
}

const bounceTargetSelect = `SELECT id, contact_id, channel, address, status FROM messages`

// BounceTargetByID returns message id, or ErrNotFound.
func (s *Store) BounceTargetByID(ctx context.Context, id int64) (BounceTarget, error) {
	return s.bounceTarget(ctx, fmt.Sprintf("message %d", id), bounceTargetSelect+` WHERE id = $1`, id)
}

// BounceTargetByProviderID returns the message the provider knows as
// providerID (an e-mail's Message-ID with its angle brackets, a Twilio SID),
// or ErrNotFound.
func (s *Store) BounceTargetByProviderID(ctx context.Context, providerID string) (BounceTarget, error) {
	return s.bounceTarget(ctx, "message by provider ID",
		bounceTargetSelect+` WHERE provider_id = $1 AND provider_id <> ''`, providerID)
}

// BounceTargetByAddress returns the latest message sent on channel to address
// since the given time, or ErrNotFound: how a bounce that names no message is
// matched.
func (s *Store) BounceTargetByAddress(ctx context.Context, channel, address string,
	since time.Time) (BounceTarget, error) {
	return s.bounceTarget(ctx, "message by recipient", bounceTargetSelect+`
		WHERE channel = $1 AND address = $2 AND sent_at >= $3
		ORDER BY sent_at DESC, id DESC LIMIT 1`, channel, address, since)
}

func (s *Store) bounceTarget(ctx context.Context, what, query string, args ...any) (BounceTarget, error) {
	var t BounceTarget
	err := s.db.QueryRow(ctx, query, args...).
		Scan(&t.MessageID, &t.ContactID, &t.Channel, &t.Address, &t.Status)
	if err != nil {
		return t, userErr(what, err)
	}
	return t, nil
}

// Evidence is the raw proof of an outcome, kept in events: the DSN, the
// webhook body, the callback. Digest, when set, makes it count once.
type Evidence struct {
	Provider string // dsn, ses, sendgrid, postmark, mailgun, twilio
	Kind     string // the class: hard, soft, complaint, delivered, ...
	Digest   string
	Payload  any // stored as JSON
}

// BounceApplyParams is one outcome to apply to one message: the decision of
// bounce.Policy.Decide in store terms, with the evidence.
type BounceApplyParams struct {
	MessageID int64
	Evidence  Evidence
	// Status moves the message (bounced, failed, delivered) when the ledger's
	// state machine allows it from where the message is; "" leaves it.
	Status string
	Code   string // the provider's code: "5.1.1", "30003"
	Detail string // the provider's text, for staff
	// Suppress puts the message's address on the suppression list.
	Suppress bool
	// Flag opens that flag on the contact with FlagDetail; "" opens none.
	Flag       string
	FlagDetail string
	// CountSoft records a soft bounce of the message; when the address has
	// SoftLimit of them within SoftWindow after its last delivered message,
	// SoftFlag opens with SoftDetail.
	CountSoft  bool
	SoftReason string
	SoftLimit  int
	SoftWindow time.Duration
	SoftFlag   string
	SoftDetail string
	// WithdrawConsent withdraws the contact's consent for the channel.
	WithdrawConsent bool
	Source          string // where it was learnt: dsn, ses, sendgrid, ...
}

// BounceResult says what BounceApply did.
type BounceResult struct {
	// Duplicate: the evidence was applied before; nothing changed.
	Duplicate  bool
	Suppressed bool
	Flagged    string // the flag opened or refreshed, "" for none
	FlagID     int64  // its ID, for `crier bounces undo`
	SoftCount  int    // the address's soft bounces in the window, with this one
}

// BounceApply records the evidence and applies one outcome to a message in one
// transaction. It is idempotent for evidence with a Digest, and safe against
// the ledger: a status the message may not move to is left alone.
func (s *Store) BounceApply(ctx context.Context, p BounceApplyParams) (BounceResult, error) {
	var res BounceResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		t, err := lockTargetTx(ctx, tx, p.MessageID)
		if err != nil {
			return err
		}
		if res.Duplicate, err = recordEvidenceTx(ctx, tx, p.MessageID, p.Evidence); err != nil || res.Duplicate {
			return err
		}
		if err := moveMessageTx(ctx, tx, p); err != nil {
			return err
		}
		return applyToAddressTx(ctx, tx, t, p, &res)
	})
	if err != nil {
		return BounceResult{}, fmt.Errorf("apply bounce to message %d: %w", p.MessageID, err)
	}
	return res, nil
}

func lockTargetTx(ctx context.Context, tx pgx.Tx, id int64) (BounceTarget, error) {
	var t BounceTarget
	err := tx.QueryRow(ctx, bounceTargetSelect+` WHERE id = $1 FOR UPDATE`, id).
		Scan(&t.MessageID, &t.ContactID, &t.Channel, &t.Address, &t.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// recordEvidenceTx stores the evidence; duplicate is true when its digest was
// stored before.
func recordEvidenceTx(ctx context.Context, tx pgx.Tx, messageID int64, e Evidence) (bool, error) {
	var digest *string
	if e.Digest != "" {
		digest = &e.Digest
	}
	tag, err := tx.Exec(ctx, `INSERT INTO events (provider, kind, message_id, payload, digest)
		VALUES ($1, $2, NULLIF($3, 0), $4, $5) ON CONFLICT (digest) WHERE digest IS NOT NULL DO NOTHING`,
		e.Provider, e.Kind, messageID, e.Payload, digest)
	if err != nil {
		return false, fmt.Errorf("record %s evidence: %w", e.Provider, err)
	}
	return tag.RowsAffected() == 0, nil
}

func moveMessageTx(ctx context.Context, tx pgx.Tx, p BounceApplyParams) error {
	if p.Status == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE messages SET status = $2,
			error_code = CASE WHEN $3 = '' THEN error_code ELSE $3 END,
			error_detail = CASE WHEN $4 = '' THEN error_detail ELSE $4 END
		WHERE id = $1 AND status <> $2 AND message_transition_ok(status, $2)`,
		p.MessageID, p.Status, p.Code, p.Detail)
	if err != nil {
		return fmt.Errorf("move message to %s: %w", p.Status, err)
	}
	return nil
}

func applyToAddressTx(ctx context.Context, tx pgx.Tx, t BounceTarget, p BounceApplyParams,
	res *BounceResult) error {
	bp := BounceParams{MessageID: p.MessageID, Flag: p.Flag, FlagDetail: p.FlagDetail, Source: p.Source}
	if p.Suppress {
		if err := suppressTx(ctx, tx, t.Channel, t.Address, bp); err != nil {
			return err
		}
		res.Suppressed = true
	}
	if p.WithdrawConsent {
		if err := withdrawConsentTx(ctx, tx, t, p.Source); err != nil {
			return err
		}
	}
	if p.CountSoft {
		n, err := countSoftTx(ctx, tx, t, p)
		if err != nil {
			return err
		}
		res.SoftCount = n
		if n >= p.SoftLimit && p.SoftFlag != "" && p.Flag == "" {
			bp.Flag, bp.FlagDetail = p.SoftFlag, p.SoftDetail
		}
	}
	if bp.Flag == "" {
		return nil
	}
	res.Flagged = bp.Flag
	var err error
	res.FlagID, err = flagBounceTx(ctx, tx, t.ContactID, t.Channel, t.Address, bp)
	return err
}

// countSoftTx records the soft bounce and counts the address's soft bounces in
// the window since its last delivered message.
func countSoftTx(ctx context.Context, tx pgx.Tx, t BounceTarget, p BounceApplyParams) (int, error) {
	_, err := tx.Exec(ctx, `INSERT INTO soft_bounces (message_id, channel, address, reason)
		VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING`,
		t.MessageID, t.Channel, t.Address, p.SoftReason)
	if err != nil {
		return 0, fmt.Errorf("count soft bounce: %w", err)
	}
	var n int
	err = tx.QueryRow(ctx, `SELECT count(*) FROM soft_bounces b
		WHERE b.channel = $1 AND b.address = $2 AND b.bounced_at >= now() - make_interval(secs => $3)
			AND b.bounced_at > COALESCE((SELECT max(m.updated_at) FROM messages m
				WHERE m.channel = $1 AND m.address = $2 AND m.status = 'delivered'), '-infinity')`,
		t.Channel, t.Address, p.SoftWindow.Seconds()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count soft bounces: %w", err)
	}
	return n, nil
}

func withdrawConsentTx(ctx context.Context, tx pgx.Tx, t BounceTarget, source string) error {
	column := "consent_email"
	if t.Channel == "sms" {
		column = "consent_sms"
	}
	_, err := tx.Exec(ctx, `UPDATE contacts SET `+column+` = false, consent_source = $2,
		consent_at = now(), updated_at = now() WHERE id = $1`, t.ContactID, source)
	if err != nil {
		return fmt.Errorf("withdraw consent of contact %d: %w", t.ContactID, err)
	}
	return nil
}

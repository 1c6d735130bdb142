package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// BounceParams describe a message that could not be delivered and what follows
// from it for the address and the contact.
type BounceParams struct {
	MessageID int64
	// Status is "bounced" (the address is at fault) or "failed" (it is not:
	// blocked as spam, carrier filtering, our configuration).
	Status string
	Code   string // provider code: "550 5.1.1", "21211", "30003"
	Detail string // provider text, for staff
	// Suppress puts the address on the suppression list: never send there again.
	Suppress bool
	// Flag is the contact flag to open for the owner ("email_bounced",
	// "phone_undeliverable"), empty for none; FlagDetail says why in plain words.
	Flag       string
	FlagDetail string
	Source     string // where it was learnt: the channel at send time ("email", "sms") or "twilio_callback"
	// WithdrawConsent withdraws the contact's consent for the channel: the
	// provider refused because the customer opted out (Twilio 21610).
	WithdrawConsent bool
}

// MessageBounced records a bounce in one transaction: the message status, the
// suppression, the contact's channel status and the flag on the owner's list.
// A message that reached a final status before is left alone.
func (s *Store) MessageBounced(ctx context.Context, p BounceParams) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var channel, address string
		var contactID int64
		err := tx.QueryRow(ctx, `
			UPDATE messages SET status = $2, error_code = $3, error_detail = $4
			WHERE id = $1 AND status IN ('sending', 'sent', 'unknown')
			RETURNING channel, address, contact_id`,
			p.MessageID, p.Status, p.Code, p.Detail).Scan(&channel, &address, &contactID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("record bounce of message %d: %w", p.MessageID, err)
		}
		if p.Suppress {
			if err := suppressTx(ctx, tx, channel, address, p); err != nil {
				return err
			}
		}
		if p.WithdrawConsent {
			t := BounceTarget{MessageID: p.MessageID, ContactID: contactID, Channel: channel}
			if err := withdrawConsentTx(ctx, tx, t, p.Source); err != nil {
				return err
			}
		}
		if p.Flag == "" {
			return nil
		}
		_, err = flagBounceTx(ctx, tx, contactID, channel, address, p)
		return err
	})
}

func suppressTx(ctx context.Context, tx pgx.Tx, channel, address string, p BounceParams) error {
	_, err := tx.Exec(ctx, `INSERT INTO suppressions (channel, address, reason, message_id)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, channel, address, p.FlagDetail, p.MessageID)
	if err != nil {
		return fmt.Errorf("suppress address of message %d: %w", p.MessageID, err)
	}
	return nil
}

// flagBounceTx marks the contact's address undeliverable, if the contact still
// has it, and opens the flag on its owner's list.
func flagBounceTx(ctx context.Context, tx pgx.Tx, contactID int64, channel, address string,
	p BounceParams) (int64, error) {
	statusSQL := `UPDATE contacts SET email_status = 'bounced', updated_at = now()
		WHERE id = $1 AND email = $2`
	field := "email"
	if channel == "sms" {
		statusSQL = `UPDATE contacts SET phone_status = 'undeliverable', updated_at = now()
			WHERE id = $1 AND phone_e164 = $2`
		field = "phone"
	}
	if _, err := tx.Exec(ctx, statusSQL, contactID, address); err != nil {
		return 0, fmt.Errorf("mark contact %d undeliverable: %w", contactID, err)
	}
	var flagID int64
	err := tx.QueryRow(ctx, `
		INSERT INTO contact_flags (contact_id, kind, field, detail, source, message_id)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (contact_id, kind) WHERE resolved_at IS NULL
		DO UPDATE SET detail = EXCLUDED.detail, message_id = EXCLUDED.message_id
		RETURNING id`,
		contactID, p.Flag, field, p.FlagDetail, p.Source, p.MessageID).Scan(&flagID)
	if err != nil {
		return 0, fmt.Errorf("flag contact %d: %w", contactID, err)
	}
	return flagID, nil
}

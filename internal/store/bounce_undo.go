package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// NotABounceParams name the flag a person says was no real bounce.
type NotABounceParams struct {
	ActorID int64    // who says so; 0 for the CLI
	Scope   WebScope // whose contacts the actor may touch
	FlagID  int64
}

// undoableFlags are the flags a bounce or complaint opens.
var undoableFlags = []string{"email_bounced", "phone_undeliverable", "complaint"}

// FlagNotABounce undoes a false positive ("not a real bounce"): it closes the
// open bounce or complaint flag with resolution not_a_real_bounce, lifts the
// suppression of the address the flag is about, clears that address's soft
// bounce count and marks the address valid again if the bounce had marked it.
// The message keeps its status: it did bounce, as far as the ledger knows.
// Every change is audited under ActorID.
//
// A flag outside the scope or already closed answers ErrNotFound; a flag that
// no bounce opened (a missing e-mail, a typo) answers ErrWrongFlag. It is the
// function behind the web's "not a real bounce" button and `crier bounces
// undo`.
func (s *Store) FlagNotABounce(ctx context.Context, p NotABounceParams) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		f, err := lockBounceFlagTx(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := liftSuppressionTx(ctx, tx, p.ActorID, f); err != nil {
			return err
		}
		_, err = resolveFlagsTx(ctx, tx, f.contactID, p.ActorID, []string{f.kind}, ResolutionNotABounce)
		return err
	})
	if err != nil {
		return fmt.Errorf("flag %d is not a real bounce: %w", p.FlagID, err)
	}
	return nil
}

type bounceFlag struct {
	contactID int64
	kind      string
	channel   string
	address   string
}

func lockBounceFlagTx(ctx context.Context, tx pgx.Tx, p NotABounceParams) (bounceFlag, error) {
	var f bounceFlag
	var field, email, phone, msgAddress string
	err := tx.QueryRow(ctx, `SELECT f.contact_id, f.kind, f.field, c.email, c.phone_e164,
			COALESCE(m.address, '')
		FROM contact_flags f JOIN contacts c ON c.id = f.contact_id
		LEFT JOIN messages m ON m.id = f.message_id
		WHERE `+scopeSQL+` AND f.id = $3 AND f.resolved_at IS NULL
		FOR UPDATE OF f`, p.Scope.All, p.Scope.OwnerID, p.FlagID).
		Scan(&f.contactID, &f.kind, &field, &email, &phone, &msgAddress)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, err
	}
	if !slices.Contains(undoableFlags, f.kind) {
		return f, ErrWrongFlag
	}
	f.channel, f.address = "email", email
	if field == "phone" {
		f.channel, f.address = "sms", phone
	}
	if msgAddress != "" {
		f.address = msgAddress
	}
	return f, nil
}

func liftSuppressionTx(ctx context.Context, tx pgx.Tx, actorID int64, f bounceFlag) error {
	tag, err := tx.Exec(ctx, `DELETE FROM suppressions WHERE channel = $1 AND address = $2`,
		f.channel, f.address)
	if err != nil {
		return fmt.Errorf("lift suppression: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM soft_bounces WHERE channel = $1 AND address = $2`,
		f.channel, f.address); err != nil {
		return fmt.Errorf("clear soft bounces: %w", err)
	}
	statusSQL := `UPDATE contacts SET email_status = 'valid', version = version + 1, updated_at = now()
		WHERE id = $1 AND email = $2 AND email_status = 'bounced'`
	field := "email_status"
	if f.channel == "sms" {
		statusSQL = `UPDATE contacts SET phone_status = 'valid', version = version + 1, updated_at = now()
			WHERE id = $1 AND phone_e164 = $2 AND phone_status = 'undeliverable'`
		field = "phone_status"
	}
	status, err := tx.Exec(ctx, statusSQL, f.contactID, f.address)
	if err != nil {
		return fmt.Errorf("mark address valid: %w", err)
	}
	if status.RowsAffected() > 0 {
		old := map[string]string{"email_status": "bounced", "phone_status": "undeliverable"}[field]
		if err := auditTx(ctx, tx, AuditEntry{ActorID: actorID, Action: "contact.update",
			Entity: "contact", EntityID: f.contactID, Field: field, Old: old, New: "valid"}); err != nil {
			return err
		}
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return auditTx(ctx, tx, AuditEntry{ActorID: actorID, Action: "suppression.lift",
		Entity: "contact", EntityID: f.contactID, Field: f.channel, Old: "suppressed",
		New: ResolutionNotABounce})
}

// FlagClosed tells whether the flag with this ID was closed (resolved), or
// answers ErrNotFound when there is no such flag.
func (s *Store) FlagClosed(ctx context.Context, flagID int64) (bool, error) {
	var closed bool
	err := s.db.QueryRow(ctx, `SELECT resolved_at IS NOT NULL FROM contact_flags WHERE id = $1`,
		flagID).Scan(&closed)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("flag %d: %w", flagID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("find flag %d: %w", flagID, err)
	}
	return closed, nil
}

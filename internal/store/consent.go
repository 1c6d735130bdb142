package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ConsentSMSParams is a customer's own answer by SMS: STOP or START.
type ConsentSMSParams struct {
	Phone   string // E.164, as Twilio gives the sender
	Consent bool   // false: opted out; true: opted back in
	Source  string // sms_keyword
	// Evidence is the inbound message, kept in events.
	Evidence Evidence
}

// ContactsConsentSMS sets the SMS consent of every contact with the phone
// number and records the evidence; it returns how many contacts changed. An
// opt-out is the customer's choice, not bad data: no flag opens.
func (s *Store) ContactsConsentSMS(ctx context.Context, p ConsentSMSParams) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := recordEvidenceTx(ctx, tx, 0, p.Evidence); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE contacts SET consent_sms = $2, consent_source = $3,
				consent_at = now(), updated_at = now()
			WHERE phone_e164 = $1 AND phone_e164 <> '' AND deleted_at IS NULL
				AND consent_sms <> $2`, p.Phone, p.Consent, p.Source)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("set SMS consent: %w", err)
	}
	return n, nil
}

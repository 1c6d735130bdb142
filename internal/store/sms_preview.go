package store

import (
	"context"
	"fmt"
)

// SMSRecipient is a contact a campaign's SMS would go to, with what its text
// is rendered from.
type SMSRecipient struct {
	OwnerID    int64
	OwnerName  string
	OwnerEmail string
	FirstName  string
	LastName   string
	Company    string
}

// SMSAudience calls fn for every contact of the audience an SMS would be sent
// to now: consent given, a valid mobile number, an owner, not suppressed. It
// plans nothing; `crier campaign preview` estimates segments with it.
func (s *Store) SMSAudience(ctx context.Context, a Audience, fn func(SMSRecipient) error) error {
	rows, err := s.db.Query(ctx, `
		SELECT c.owner_id, COALESCE(u.name, ''), COALESCE(u.email, ''), c.first_name,
			c.last_name, c.company
		FROM contacts c JOIN users u ON u.id = c.owner_id
		WHERE c.deleted_at IS NULL AND c.consent_sms AND c.phone_status = 'valid'
			AND c.phone_type IN ('mobile', 'fixed_line_or_mobile')
			AND (cardinality($1::bigint[]) = 0 OR c.owner_id = ANY($1))
			AND (cardinality($2::text[]) = 0 OR c.tags && $2)
			AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.channel = 'sms'
				AND x.address = c.phone_e164)
		ORDER BY c.owner_id, c.id`, nonNilIDs(a.OwnerIDs), nonNil(a.Tags))
	if err != nil {
		return fmt.Errorf("SMS audience: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r SMSRecipient
		if err := rows.Scan(&r.OwnerID, &r.OwnerName, &r.OwnerEmail, &r.FirstName, &r.LastName,
			&r.Company); err != nil {
			return fmt.Errorf("SMS audience: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

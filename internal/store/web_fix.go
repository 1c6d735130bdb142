package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrWrongFlag is returned when a quick pick does not apply to the flag it was
// asked for (a "not a real bounce" on a flag that is not a bounce).
var ErrWrongFlag = errors.New("store: the action does not apply to this flag")

// Resolutions: how a person closed a flag.
const (
	ResolutionFixed      = "fixed"
	ResolutionLeft       = "customer_left"
	ResolutionNoEmail    = "no_email_available"
	ResolutionNotABounce = "not_a_real_bounce"
)

// WebNames are a contact's personal fields.
type WebNames struct {
	FirstName string
	LastName  string
	Company   string
}

// WebEmail is a normalised e-mail to store. Status is valid, typo or missing.
type WebEmail struct {
	Raw        string
	Address    string
	Status     string
	Suggestion string
}

// WebPhone is a normalised phone to store. Status is valid or missing; Type is
// the contact.PhoneType; SMS says whether the number can receive SMS.
type WebPhone struct {
	Raw    string
	E164   string
	Type   string
	Status string
	Region string
	SMS    bool
}

// WebEdit is one person's change to a contact; nil parts stay as they are.
type WebEdit struct {
	ActorID   int64
	Scope     WebScope
	ContactID int64
	Names     *WebNames
	Email     *WebEmail
	Phone     *WebPhone
}

// change is one field changed by an edit.
type change struct{ field, old, new string }

// WebContactEdit applies an edit: it stores the fields, closes the flags the
// new values fix (and opens the ones they raise), and audits every change.
// A contact outside the scope answers ErrNotFound; an address on the
// suppression list answers ErrSuppressed and changes nothing.
func (s *Store) WebContactEdit(ctx context.Context, e WebEdit) ([]string, error) {
	var fields []string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		old, err := lockContactTx(ctx, tx, e.Scope, e.ContactID)
		if err != nil {
			return err
		}
		if err := checkSuppressedTx(ctx, tx, e); err != nil {
			return err
		}
		changes := diffContact(old, e)
		if len(changes) == 0 {
			return nil
		}
		if err := updateContactTx(ctx, tx, e); err != nil {
			return err
		}
		for _, c := range changes {
			fields = append(fields, c.field)
			if err := auditTx(ctx, tx, AuditEntry{ActorID: e.ActorID, Action: "contact.update",
				Entity: "contact", EntityID: e.ContactID, Field: c.field, Old: c.old, New: c.new}); err != nil {
				return err
			}
		}
		return syncEditFlagsTx(ctx, tx, e, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("edit contact %d: %w", e.ContactID, err)
	}
	return fields, nil
}

func lockContactTx(ctx context.Context, tx pgx.Tx, scope WebScope, id int64) (WebContact, error) {
	rows, err := tx.Query(ctx, `SELECT `+webContactColumns+`
		FROM contacts c LEFT JOIN users u ON u.id = c.owner_id
		WHERE `+scopeSQL+` AND c.id = $3 FOR UPDATE OF c`, scope.All, scope.OwnerID, id)
	if err != nil {
		return WebContact{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[WebContact])
	if err != nil {
		return c, userErr(fmt.Sprintf("contact %d", id), err)
	}
	return c, nil
}

func checkSuppressedTx(ctx context.Context, tx pgx.Tx, e WebEdit) error {
	var email, phone string
	if e.Email != nil {
		email = e.Email.Address
	}
	if e.Phone != nil && e.Phone.SMS {
		phone = e.Phone.E164
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM suppressions
		WHERE (channel = 'email' AND address = $1) OR (channel = 'sms' AND address = $2)`,
		email, phone).Scan(&n)
	if err != nil {
		return fmt.Errorf("check suppressions: %w", err)
	}
	if n > 0 {
		return ErrSuppressed
	}
	return nil
}

func diffContact(old WebContact, e WebEdit) []change {
	var out []change
	add := func(field, o, n string) {
		if o != n {
			out = append(out, change{field, o, n})
		}
	}
	if n := e.Names; n != nil {
		add("first_name", old.FirstName, n.FirstName)
		add("last_name", old.LastName, n.LastName)
		add("company", old.Company, n.Company)
	}
	if m := e.Email; m != nil {
		add("email", old.Email, m.Address)
		add("email_raw", old.EmailRaw, m.Raw)
		add("email_status", old.EmailStatus, m.Status)
	}
	if p := e.Phone; p != nil {
		add("phone", old.PhoneE164, p.E164)
		add("phone_raw", old.PhoneRaw, p.Raw)
		add("phone_type", old.PhoneType, p.Type)
		add("phone_status", old.PhoneStatus, p.Status)
	}
	return out
}

func updateContactTx(ctx context.Context, tx pgx.Tx, e WebEdit) error {
	n, m, p := e.Names, e.Email, e.Phone
	_, err := tx.Exec(ctx, `UPDATE contacts SET
			first_name = CASE WHEN $2 THEN $3 ELSE first_name END,
			last_name = CASE WHEN $2 THEN $4 ELSE last_name END,
			company = CASE WHEN $2 THEN $5 ELSE company END,
			email_raw = CASE WHEN $6 THEN $7 ELSE email_raw END,
			email = CASE WHEN $6 THEN $8 ELSE email END,
			email_status = CASE WHEN $6 THEN $9 ELSE email_status END,
			email_suggestion = CASE WHEN $6 THEN $10 ELSE email_suggestion END,
			phone_raw = CASE WHEN $11 THEN $12 ELSE phone_raw END,
			phone_e164 = CASE WHEN $11 THEN $13 ELSE phone_e164 END,
			phone_type = CASE WHEN $11 THEN $14 ELSE phone_type END,
			phone_status = CASE WHEN $11 THEN $15 ELSE phone_status END,
			region = CASE WHEN $11 AND $16 <> '' THEN $16 ELSE region END,
			version = version + 1, updated_at = now()
		WHERE id = $1`, e.ContactID,
		n != nil, val(n).FirstName, val(n).LastName, val(n).Company,
		m != nil, val(m).Raw, val(m).Address, val(m).Status, val(m).Suggestion,
		p != nil, val(p).Raw, val(p).E164, val(p).Type, val(p).Status, val(p).Region)
	if err != nil {
		return fmt.Errorf("update contact: %w", err)
	}
	var keys []string
	if m != nil && m.Address != "" {
		keys = append(keys, "email:"+m.Address)
	}
	if p != nil && p.SMS && p.E164 != "" {
		keys = append(keys, "mobile:"+p.E164)
	}
	return claimKeysTx(ctx, tx, e.ContactID, keys)
}

// val returns *p, or the zero value for nil.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// syncEditFlagsTx closes the flags an edit fixed and opens those it raised.
func syncEditFlagsTx(ctx context.Context, tx pgx.Tx, e WebEdit, changes []change) error {
	changed := map[string]bool{}
	for _, c := range changes {
		changed[c.field] = true
	}
	var closeKinds []string
	var open [][2]string // kind, field
	if n := e.Names; n != nil && n.FirstName != "" && n.LastName != "" {
		closeKinds = append(closeKinds, "name_missing")
	}
	if m := e.Email; m != nil && (changed["email"] || changed["email_status"]) {
		c, o := emailFlags(m)
		closeKinds, open = append(closeKinds, c...), append(open, o...)
	}
	if p := e.Phone; p != nil && (changed["phone"] || changed["phone_type"] || changed["phone_status"]) {
		c, o := phoneFlags(p)
		closeKinds, open = append(closeKinds, c...), append(open, o...)
	}
	if _, err := resolveFlagsTx(ctx, tx, e.ContactID, e.ActorID, closeKinds, ResolutionFixed); err != nil {
		return err
	}
	for _, o := range open {
		if err := openFlagTx(ctx, tx, e.ContactID, o[0], o[1]); err != nil {
			return err
		}
	}
	return nil
}

func emailFlags(m *WebEmail) (closeKinds []string, open [][2]string) {
	switch m.Status {
	case "valid":
		return []string{"email_missing", "email_invalid", "email_typo_suspected", "email_bounced"}, nil
	case "typo":
		return []string{"email_missing", "email_invalid", "email_bounced"},
			[][2]string{{"email_typo_suspected", "email"}}
	}
	return []string{"email_invalid", "email_typo_suspected", "email_bounced"},
		[][2]string{{"email_missing", "email"}}
}

func phoneFlags(p *WebPhone) (closeKinds []string, open [][2]string) {
	switch {
	case p.E164 == "":
		return []string{"phone_invalid", "phone_not_mobile", "phone_undeliverable"},
			[][2]string{{"phone_missing", "phone"}}
	case p.SMS:
		return []string{"phone_missing", "phone_invalid", "phone_not_mobile", "phone_undeliverable"}, nil
	}
	return []string{"phone_missing", "phone_invalid", "phone_undeliverable"},
		[][2]string{{"phone_not_mobile", "phone"}}
}

// resolveFlagsTx closes the contact's open flags of the kinds (all kinds when
// kinds is nil) and audits each.
func resolveFlagsTx(ctx context.Context, tx pgx.Tx, contactID, actorID int64, kinds []string,
	resolution string) (int, error) {
	rows, err := tx.Query(ctx, `UPDATE contact_flags SET resolved_at = now(),
			resolved_by = NULLIF($3, 0), resolution = $4
		WHERE contact_id = $1 AND resolved_at IS NULL AND ($2::text[] IS NULL OR kind = ANY($2))
		RETURNING id, kind`, contactID, kinds, actorID, resolution)
	if err != nil {
		return 0, fmt.Errorf("resolve flags: %w", err)
	}
	type closed struct {
		ID   int64
		Kind string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[closed])
	if err != nil {
		return 0, fmt.Errorf("resolve flags: %w", err)
	}
	for _, c := range list {
		if err := auditTx(ctx, tx, AuditEntry{ActorID: actorID, Action: "flag.resolve",
			Entity: "flag", EntityID: c.ID, Field: c.Kind, Old: "open", New: resolution}); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func openFlagTx(ctx context.Context, tx pgx.Tx, contactID int64, kind, field string) error {
	_, err := tx.Exec(ctx, `INSERT INTO contact_flags (contact_id, kind, field, source)
		VALUES ($1, $2, $3, 'user')
		ON CONFLICT (contact_id, kind) WHERE resolved_at IS NULL DO NOTHING`, contactID, kind, field)
	if err != nil {
		return fmt.Errorf("open flag %s: %w", kind, err)
	}
	return nil
}

// WebContactLeft records that the customer left: the contact is deleted (kept
// for history) and its open flags are closed.
func (s *Store) WebContactLeft(ctx context.Context, actorID int64, scope WebScope, contactID int64) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := lockContactTx(ctx, tx, scope, contactID); err != nil {
			return err
		}
		var at time.Time
		err := tx.QueryRow(ctx, `UPDATE contacts SET deleted_at = now(), version = version + 1,
			updated_at = now() WHERE id = $1 RETURNING deleted_at`, contactID).Scan(&at)
		if err != nil {
			return err
		}
		if err := auditTx(ctx, tx, AuditEntry{ActorID: actorID, Action: "contact.left",
			Entity: "contact", EntityID: contactID, Field: "deleted_at",
			New: at.UTC().Format(time.RFC3339)}); err != nil {
			return err
		}
		_, err = resolveFlagsTx(ctx, tx, contactID, actorID, nil, ResolutionLeft)
		return err
	})
	if err != nil {
		return fmt.Errorf("contact %d left: %w", contactID, err)
	}
	return nil
}

// WebNoEmail records that the customer has no e-mail address: the contact's
// e-mail flags close with that note.
func (s *Store) WebNoEmail(ctx context.Context, actorID int64, scope WebScope, contactID int64) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := lockContactTx(ctx, tx, scope, contactID); err != nil {
			return err
		}
		if err := auditTx(ctx, tx, AuditEntry{ActorID: actorID, Action: "contact.note",
			Entity: "contact", EntityID: contactID, Field: "email",
			New: ResolutionNoEmail}); err != nil {
			return err
		}
		_, err := resolveFlagsTx(ctx, tx, contactID, actorID, []string{"email_missing",
			"email_invalid", "email_typo_suspected", "email_bounced"}, ResolutionNoEmail)
		return err
	})
	if err != nil {
		return fmt.Errorf("contact %d has no e-mail: %w", contactID, err)
	}
	return nil
}

// WebNotABounce records that a delivery flag was wrong: the address works.
// The flag closes as not_a_real_bounce, the contact's channel status is valid
// again and the address leaves the suppression list, each step audited. A
// flag that is not a bounce answers ErrWrongFlag; one outside the scope,
// ErrNotFound.
func (s *Store) WebNotABounce(ctx context.Context, actorID int64, scope WebScope, flagID int64) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var contactID int64
		var kind string
		err := tx.QueryRow(ctx, `SELECT f.contact_id, f.kind FROM contact_flags f
			JOIN contacts c ON c.id = f.contact_id
			WHERE `+scopeSQL+` AND f.id = $3 AND f.resolved_at IS NULL
			FOR UPDATE OF f`, scope.All, scope.OwnerID, flagID).Scan(&contactID, &kind)
		if err != nil {
			return userErr(fmt.Sprintf("flag %d", flagID), err)
		}
		channel, column, status, statusCol := "email", "email", "bounced", "email_status"
		switch kind {
		case "email_bounced":
		case "phone_undeliverable":
			channel, column, status, statusCol = "sms", "phone_e164", "undeliverable", "phone_status"
		default:
			return ErrWrongFlag
		}
		var address string
		err = tx.QueryRow(ctx, `UPDATE contacts SET `+statusCol+` = 'valid',
				version = version + 1, updated_at = now()
			WHERE id = $1 AND `+statusCol+` = $2 RETURNING `+column, contactID, status).Scan(&address)
		switch {
		case err == nil:
			if err := auditTx(ctx, tx, AuditEntry{ActorID: actorID, Action: "contact.update",
				Entity: "contact", EntityID: contactID, Field: statusCol, Old: status,
				New: "valid"}); err != nil {
				return err
			}
			if err := unsuppressTx(ctx, tx, actorID, channel, address); err != nil {
				return err
			}
		case !errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("mark contact %d valid: %w", contactID, err)
		}
		_, err = resolveFlagsTx(ctx, tx, contactID, actorID, []string{kind}, ResolutionNotABounce)
		return err
	})
	if err != nil {
		return fmt.Errorf("flag %d is not a bounce: %w", flagID, err)
	}
	return nil
}

// unsuppressTx takes an address off the suppression list; the audit keeps
// the channel only, never the address.
func unsuppressTx(ctx context.Context, tx pgx.Tx, actorID int64, channel, address string) error {
	tag, err := tx.Exec(ctx, `DELETE FROM suppressions WHERE channel = $1 AND address = $2`,
		channel, address)
	if err != nil {
		return fmt.Errorf("lift suppression: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	return auditTx(ctx, tx, AuditEntry{ActorID: actorID, Action: "suppression.lift",
		Entity: "suppression", Field: channel, Old: "suppressed", New: "lifted"})
}

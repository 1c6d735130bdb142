package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/crier-dev/crier/internal/contact"
)

// UpsertResult says what ContactUpsert did with a row.
type UpsertResult int

// What an upsert did.
const (
	Inserted UpsertResult = iota
	Updated
	Unchanged
	// Duplicate: the row matched a contact an earlier row of the same import
	// wrote; the contact keeps the earlier row's data and gets a duplicate flag.
	Duplicate
)

// ManagerEnsure returns the ID of the manager with this name (matched on nameKey,
// the Turkish-folded name) or e-mail, creating the manager on first sight. An
// e-mail given later fills in a manager first seen by name only.
func (s *Store) ManagerEnsure(ctx context.Context, name, nameKey, email string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `
		SELECT id FROM users
		WHERE role = 'manager' AND (name_key = $1 OR ($2 <> '' AND lower(email) = lower($2)))
		ORDER BY (name_key = $1) DESC LIMIT 1`, nameKey, email).Scan(&id)
	if err == nil {
		if email != "" {
			_, err = s.db.Exec(ctx, `UPDATE users SET email = $2 WHERE id = $1 AND email IS NULL
				AND NOT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($2))`, id, email)
		}
		return id, err
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("find manager: %w", err)
	}
	err = s.db.QueryRow(ctx, `
		INSERT INTO users (name, name_key, email, role) VALUES ($1, $2, NULLIF($3, ''), 'manager')
		ON CONFLICT (name_key) WHERE role = 'manager' DO UPDATE SET name_key = EXCLUDED.name_key
		RETURNING id`, name, nameKey, email).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create manager: %w", err)
	}
	return id, nil
}

// ImportBeginParams describe a file being imported.
type ImportBeginParams struct {
	FileName string
	Layout   string
	Encoding string
}

// ImportBegin records the start of an import and returns its ID.
func (s *Store) ImportBegin(ctx context.Context, p ImportBeginParams) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO imports (file_name, layout, encoding)
		VALUES ($1, $2, $3) RETURNING id`, p.FileName, p.Layout, p.Encoding).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record import: %w", err)
	}
	return id, nil
}

// ImportCounts are the totals of an import: RowsIn = Imported + Updated +
// Unchanged + Rejected.
type ImportCounts struct {
	RowsIn, Imported, Updated, Unchanged, Rejected int
}

// ImportFinish stores the totals of an import.
func (s *Store) ImportFinish(ctx context.Context, importID int64, c ImportCounts) error {
	_, err := s.db.Exec(ctx, `UPDATE imports SET rows_in = $2, imported = $3, updated = $4,
		unchanged = $5, rejected = $6, finished_at = now() WHERE id = $1`,
		importID, c.RowsIn, c.Imported, c.Updated, c.Unchanged, c.Rejected)
	if err != nil {
		return fmt.Errorf("finish import %d: %w", importID, err)
	}
	return nil
}

// ImportRejectParams describe one rejected row.
type ImportRejectParams struct {
	ImportID int64
	Row      int
	Line     int
	Column   string
	Reason   string
}

// ImportReject records a rejected row with its reason.
func (s *Store) ImportReject(ctx context.Context, p ImportRejectParams) error {
	_, err := s.db.Exec(ctx, `INSERT INTO import_rejects (import_id, row_no, line_no, col, reason)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
		p.ImportID, p.Row, p.Line, p.Column, p.Reason)
	if err != nil {
		return fmt.Errorf("record rejected row %d: %w", p.Row, err)
	}
	return nil
}

// ContactUpsertParams carry one normalised contact from an import.
type ContactUpsertParams struct {
	ImportID int64
	OwnerID  int64 // 0 when the contact has no owner
	Contact  contact.Contact
	// Written reports whether an earlier row of this import wrote the contact;
	// nil means none did.
	Written func(contactID int64) bool
	// Row is the row's number in its file, for the duplicate flag's detail.
	Row int
}

// ContactUpsert inserts the contact or updates the one it matches: by external
// ID, then by normalised e-mail, then by mobile number. A contact that matches
// one owned by another manager keeps its owner and gets an owner_conflict flag.
// Its import flags are synchronised: new problems open flags, fixed ones close.
func (s *Store) ContactUpsert(ctx context.Context, p ContactUpsertParams) (int64, UpsertResult, error) {
	var (
		id     int64
		result UpsertResult
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, result, err = contactUpsertTx(ctx, tx, p)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("upsert contact: %w", err)
	}
	return id, result, nil
}

type existingContact struct {
	id          int64
	ownerID     *int64
	fingerprint string
}

// contactKeys are the identities a normalised contact can be found by, in
// order of trust: external ID, e-mail, mobile number; failing all three, a
// weak key of its other fields.
func contactKeys(c contact.Contact) []string {
	var keys []string
	if c.ExternalID != "" {
		keys = append(keys, "ext:"+c.ExternalID)
	}
	if c.Email != "" {
		keys = append(keys, "email:"+c.Email)
	}
	if c.PhoneE164 != "" && c.PhoneType.SMSCapable() {
		keys = append(keys, "mobile:"+c.PhoneE164)
	}
	if len(keys) == 0 {
		// No strong identity: the person's name, company and landline together
		// still tell a re-import of the same row from a new contact.
		keys = append(keys, "weak:"+contact.FoldTR(strings.Join([]string{c.FirstName,
			c.LastName, c.Company, c.PhoneE164, c.EmailRaw, c.PhoneRaw}, "|")))
	}
	return keys
}

// SamePerson reports whether a row (the normalised contact c) that shares key
// with a stored contact (holding email and extID) is that contact.
//
// The match rule. A row's keys are tried in order of trust: external ID,
// e-mail, mobile number. A key match is taken unless an identity at least as
// trusted contradicts it, that is the row and the contact both have one and
// they differ:
//   - an external ID match is always taken: the CRM says it is the same record,
//     whose e-mail or number may have changed;
//   - an e-mail match is refused when the external IDs differ (two CRM records
//     sharing a mailbox such as info@);
//   - a mobile match is refused when the external IDs or the e-mails differ,
//     or when both have a name and neither the first word of the first name
//     nor the last name meet (Turkish-folded): two people may share a number
//     (a family, an office phone); a person may change an address or marry
//     into a new surname, which a stored e-mail or first name still ties.
//
// A refused row is another person: it becomes a new contact, flagged duplicate
// of the one it shares the key with, and that one keeps the key. A phone match
// never overwrites a contact whose e-mail names someone else.
func SamePerson(key string, c contact.Contact, who Identity) bool {
	if strings.HasPrefix(key, "ext:") {
		return true
	}
	if c.ExternalID != "" && who.ExternalID != "" && c.ExternalID != who.ExternalID {
		return false
	}
	if !strings.HasPrefix(key, "mobile:") {
		return true
	}
	if c.Email != "" && who.Email != "" && c.Email != who.Email {
		return false
	}
	return namesMeet(c.FirstName, c.LastName, who.FirstName, who.LastName)
}

// Identity is what SamePerson compares of a stored contact.
type Identity struct {
	Email, ExternalID, FirstName, LastName string
}

// IdentityOf is the identity of a normalised contact.
func IdentityOf(c contact.Contact) Identity {
	return Identity{Email: c.Email, ExternalID: c.ExternalID, FirstName: c.FirstName,
		LastName: c.LastName}
}

// Fill sets the fields who lacks from c (a row that wrote the contact).
func (who *Identity) Fill(c contact.Contact) {
	for _, f := range []struct {
		dst *string
		src string
	}{{&who.Email, c.Email},
		{&who.ExternalID, c.ExternalID}, {&who.FirstName, c.FirstName},
		{&who.LastName, c.LastName}} {
		if *f.dst == "" {
			*f.dst = f.src
		}
	}
}

// namesMeet reports whether two names may be the same person's: true when
// either has none, else when the first words of the first names or the last
// names are equal, Turkish-folded.
func namesMeet(first1, last1, first2, last2 string) bool {
	firstWord := func(s string) string {
		w, _, _ := strings.Cut(contact.FoldTR(s), " ")
		return w
	}
	a1, a2 := firstWord(first1), contact.FoldTR(last1)
	b1, b2 := firstWord(first2), contact.FoldTR(last2)
	if a1+a2 == "" || b1+b2 == "" {
		return true
	}
	return (a1 != "" && a1 == b1) || (a2 != "" && a2 == b2)
}

// SharedKeyDetail is the duplicate flag's detail on a contact that shares key
// with another person's contact (see SamePerson).
func SharedKeyDetail(key string) string {
	what := "an identity"
	switch {
	case strings.HasPrefix(key, "email:"):
		what = "its e-mail address"
	case strings.HasPrefix(key, "mobile:"):
		what = "its mobile number"
	}
	return "shares " + what + " with another contact whose e-mail or external ID differs"
}

func contactUpsertTx(ctx context.Context, tx pgx.Tx, p ContactUpsertParams) (int64, UpsertResult, error) {
	c := p.Contact
	keys := contactKeys(c)
	var old existingContact
	rows, err := tx.Query(ctx, `
		SELECT k.key, c.id, c.owner_id, c.fingerprint, COALESCE(c.email, ''),
			COALESCE(c.external_id, ''), c.first_name, c.last_name
		FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
		WHERE k.key = ANY($1) AND c.deleted_at IS NULL
		ORDER BY array_position($1, k.key) FOR UPDATE OF c`, keys)
	if err != nil {
		return 0, 0, fmt.Errorf("match contact: %w", err)
	}
	found, shared := false, ""
	for rows.Next() && !found {
		var key string
		var who Identity
		var cand existingContact
		if err := rows.Scan(&key, &cand.id, &cand.ownerID, &cand.fingerprint, &who.Email,
			&who.ExternalID, &who.FirstName, &who.LastName); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("match contact: %w", err)
		}
		if SamePerson(key, c, who) {
			old, found = cand, true
		} else if shared == "" {
			shared = key
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("match contact: %w", err)
	}
	if !found {
		id, err := contactInsertTx(ctx, tx, p)
		if err != nil {
			return 0, 0, err
		}
		if shared != "" {
			_, err := tx.Exec(ctx, `
				INSERT INTO contact_flags (contact_id, kind, field, detail, source, import_id)
				VALUES ($1, $2, '', $3, 'import', NULLIF($4, 0))
				ON CONFLICT (contact_id, kind) WHERE resolved_at IS NULL DO NOTHING`,
				id, string(contact.FlagDuplicate), SharedKeyDetail(shared), p.ImportID)
			if err != nil {
				return 0, 0, fmt.Errorf("flag duplicate contact %d: %w", id, err)
			}
		}
		return id, Inserted, claimImportKeysTx(ctx, tx, p.ImportID, id, keys)
	}
	if err := claimImportKeysTx(ctx, tx, p.ImportID, old.id, keys); err != nil {
		return 0, 0, err
	}

	conflict := old.ownerID != nil && p.OwnerID != 0 && *old.ownerID != p.OwnerID
	if p.Written != nil && p.Written(old.id) {
		return old.id, Duplicate, flagDuplicateTx(ctx, tx, p.ImportID, old.id, p.Row, conflict)
	}
	c, kept, err := keepStoredTx(ctx, tx, old.id, c)
	if err != nil {
		return 0, 0, err
	}
	p.Contact = c
	flags := c.Flags
	if old.ownerID != nil && p.OwnerID == 0 {
		// The contact keeps the owner it has (see contactUpdateTx): not missing.
		flags = slices.DeleteFunc(slices.Clone(flags), func(f contact.Flag) bool {
			return f == contact.FlagOwnerMissing
		})
	}
	if conflict {
		flags = append(flags, contact.FlagOwnerConflict)
		c.FlagDetail = withDetail(c.FlagDetail, contact.FlagOwnerConflict,
			"the same customer is listed under another manager in an import")
	}
	owner := p.OwnerID
	if old.ownerID != nil {
		owner = *old.ownerID // contactUpdateTx keeps it
	}
	fp := fingerprint(c, owner)
	if fp == old.fingerprint {
		return old.id, Unchanged, syncKeptFlagsTx(ctx, tx, p.ImportID, old.id, flags,
			c.FlagDetail, kept)
	}
	if err := recordChangeTx(ctx, tx, p.ImportID, old.id, "updated"); err != nil {
		return 0, 0, err
	}
	if err := contactUpdateTx(ctx, tx, old.id, p, fp, kept); err != nil {
		return 0, 0, err
	}
	return old.id, Updated, syncKeptFlagsTx(ctx, tx, p.ImportID, old.id, flags, c.FlagDetail,
		kept)
}

// keptFields are the fields of a stored contact that a row left blank.
type keptFields struct {
	email, phone bool
}

// keepStoredTx fills the fields the row c leaves blank with the stored
// contact's: a blank cell never erases a value (a later export that lacks a
// column, or a cell someone cleared, is no instruction to forget it). This
// holds for every field alike: first and last name, company, e-mail, phone,
// tags (and the owner, which contactUpdateTx keeps). The flags of a kept e-mail
// or phone stay as they are, and so does an opt-out.
func keepStoredTx(ctx context.Context, tx pgx.Tx, id int64,
	c contact.Contact) (contact.Contact, keptFields, error) {
	var old contact.Contact
	var phoneType string
	var consent bool
	err := tx.QueryRow(ctx, `
		SELECT first_name, last_name, company, email_raw, COALESCE(email, ''),
			email_suggestion, email_role, email_disposable, phone_raw,
			COALESCE(phone_e164, ''), phone_type, region, tags, consent_email
		FROM contacts WHERE id = $1`, id).Scan(&old.FirstName, &old.LastName, &old.Company,
		&old.EmailRaw, &old.Email, &old.EmailSuggestion, &old.EmailRole, &old.EmailDisposable,
		&old.PhoneRaw, &old.PhoneE164, &phoneType, &old.Region, &old.Tags, &consent)
	if err != nil {
		return c, keptFields{}, fmt.Errorf("read contact %d: %w", id, err)
	}
	var kept keptFields
	drop := map[string]bool{}
	if c.FirstName == "" {
		c.FirstName = old.FirstName
	}
	if c.LastName == "" {
		c.LastName = old.LastName
	}
	if c.Company == "" {
		c.Company = old.Company
	}
	if c.FirstName != "" || c.LastName != "" {
		drop["name"] = true
	}
	if len(c.Tags) == 0 {
		c.Tags = old.Tags
	}
	if hasFlag(c.Flags, contact.FlagEmailMissing) && old.EmailRaw != "" {
		kept.email, drop["email"] = true, true
		c.EmailRaw, c.Email, c.EmailSuggestion = old.EmailRaw, old.Email, old.EmailSuggestion
		c.EmailRole, c.EmailDisposable = old.EmailRole, old.EmailDisposable
	}
	if c.PhoneType == contact.PhoneMissing && old.PhoneRaw != "" {
		kept.phone, drop["phone"] = true, true
		c.PhoneRaw, c.PhoneE164, c.Region = old.PhoneRaw, old.PhoneE164, old.Region
		c.PhoneType = contact.PhoneType(phoneType)
	}
	c.Flags = slices.DeleteFunc(slices.Clone(c.Flags), func(f contact.Flag) bool {
		return drop[flagField(f)]
	})
	if !consent && !c.OptOut {
		// An opt-out (from an export or an unsubscribe link) is never taken back
		// by an import: a row without one says nothing about it.
		c.OptOut = true
		c.Flags = append(c.Flags, contact.FlagOptOut)
		c.FlagDetail = withDetail(c.FlagDetail, contact.FlagOptOut,
			"the contact opted out of marketing messages")
	}
	return c, kept, nil
}

// syncKeptFlagsTx is syncFlagsTx leaving alone the flags of kept fields.
func syncKeptFlagsTx(ctx context.Context, tx pgx.Tx, importID, contactID int64,
	flags []contact.Flag, detail map[contact.Flag]string, kept keptFields) error {
	kinds := slices.DeleteFunc(slices.Clone(importFlagKinds), func(k string) bool {
		f := flagField(contact.Flag(k))
		return (kept.email && f == "email") || (kept.phone && f == "phone")
	})
	return syncKindsTx(ctx, tx, importID, contactID, flags, detail, kinds)
}

func withDetail(m map[contact.Flag]string, f contact.Flag, detail string) map[contact.Flag]string {
	out := make(map[contact.Flag]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out[f] = detail
	return out
}

func contactInsertTx(ctx context.Context, tx pgx.Tx, p ContactUpsertParams) (int64, error) {
	c := p.Contact
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO contacts (owner_id, external_id, first_name, last_name, company,
			email_raw, email, email_suggestion, email_status,
			phone_raw, phone_e164, phone_type, phone_status, region,
			consent_email, consent_sms, tags, import_id, created_import_id, fingerprint,
			email_role, email_disposable)
		VALUES (NULLIF($1, 0), NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9,
			$10, $11, $12, $13, $14, $15, $15, $16, $17, $17, $18, $19, $20)
		RETURNING id`,
		p.OwnerID, c.ExternalID, c.FirstName, c.LastName, c.Company,
		c.EmailRaw, c.Email, c.EmailSuggestion, EmailStatus(c),
		c.PhoneRaw, c.PhoneE164, string(c.PhoneType), PhoneStatus(c), c.Region,
		!c.OptOut, nonNil(c.Tags), p.ImportID, fingerprint(c, p.OwnerID),
		c.EmailRole, c.EmailDisposable).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert contact: %w", err)
	}
	return id, syncFlagsTx(ctx, tx, p.ImportID, id, c.Flags, c.FlagDetail)
}

// contactUpdateTx overwrites the contact's data with the import's. An address
// that bounced before keeps its bounced status until it changes.
func contactUpdateTx(ctx context.Context, tx pgx.Tx, id int64, p ContactUpsertParams, fp string,
	kept keptFields) error {
	c := p.Contact
	_, err := tx.Exec(ctx, `
		UPDATE contacts SET
			owner_id = COALESCE(owner_id, NULLIF($2, 0)),
			external_id = COALESCE(external_id, NULLIF($3, '')),
			first_name = $4, last_name = $5, company = $6,
			email_status = CASE WHEN $21 OR (email = $8 AND email_status = 'bounced')
				THEN email_status ELSE $10 END,
			phone_status = CASE WHEN $22 OR (phone_e164 = $12 AND phone_status = 'undeliverable')
				THEN phone_status ELSE $14 END,
			email_raw = $7, email = $8, email_suggestion = $9,
			phone_raw = $11, phone_e164 = $12, phone_type = $13, region = $15,
			consent_email = $16, consent_sms = $16, import_id = $17, fingerprint = $18,
			email_role = $19, email_disposable = $20,
			version = version + 1, updated_at = now()
		WHERE id = $1`,
		id, p.OwnerID, c.ExternalID, c.FirstName, c.LastName, c.Company,
		c.EmailRaw, c.Email, c.EmailSuggestion, EmailStatus(c),
		c.PhoneRaw, c.PhoneE164, string(c.PhoneType), PhoneStatus(c), c.Region,
		!c.OptOut, p.ImportID, fp, c.EmailRole, c.EmailDisposable, kept.email, kept.phone)
	if err != nil {
		return fmt.Errorf("update contact %d: %w", id, err)
	}
	return nil
}

// importFlagKinds are the flags an import opens and closes by itself. Delivery
// flags close when the address changes; duplicate and owner_conflict stay
// until a person resolves them, since one row alone cannot tell they are over.
var importFlagKinds = []string{
	string(contact.FlagEmailMissing), string(contact.FlagEmailInvalid),
	string(contact.FlagEmailTypoSuspected), string(contact.FlagEmailSeveral),
	string(contact.FlagPhoneMissing),
	string(contact.FlagPhoneInvalid), string(contact.FlagPhoneNotMobile),
	string(contact.FlagNameMissing), string(contact.FlagOwnerMissing),
	string(contact.FlagOptOut),
}

// flagDuplicateTx opens the duplicate flag (and owner_conflict when the rows
// name different managers) on a contact an import lists twice.
func flagDuplicateTx(ctx context.Context, tx pgx.Tx, importID, contactID int64, row int,
	conflict bool) error {
	kinds := []string{string(contact.FlagDuplicate)}
	details := []string{fmt.Sprintf("listed again in the same import (row %d)", row)}
	if conflict {
		kinds = append(kinds, string(contact.FlagOwnerConflict))
		details = append(details, "the same customer is listed under two managers")
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO contact_flags (contact_id, kind, field, detail, source, import_id)
		SELECT $1, k, '', d, 'import', NULLIF($4, 0)
		FROM unnest($2::text[], $3::text[]) AS t (k, d)
		ON CONFLICT (contact_id, kind) WHERE resolved_at IS NULL DO NOTHING`,
		contactID, kinds, details, importID)
	if err != nil {
		return fmt.Errorf("flag duplicate contact %d: %w", contactID, err)
	}
	return nil
}

// syncFlagsTx opens the given import flags and closes the import flags that no
// longer hold. A delivery flag (a bounce) closes when its field no longer holds
// the address that bounced, which contactUpdateTx decides through the status.
func syncFlagsTx(ctx context.Context, tx pgx.Tx, importID, contactID int64,
	flags []contact.Flag, detail map[contact.Flag]string) error {
	return syncKindsTx(ctx, tx, importID, contactID, flags, detail, importFlagKinds)
}

// syncKindsTx is syncFlagsTx closing only flags of the given kinds.
func syncKindsTx(ctx context.Context, tx pgx.Tx, importID, contactID int64,
	flags []contact.Flag, detail map[contact.Flag]string, closable []string) error {
	kinds := make([]string, len(flags))
	fields := make([]string, len(flags))
	details := make([]string, len(flags))
	for i, f := range flags {
		kinds[i], fields[i], details[i] = string(f), flagField(f), detail[f]
	}
	_, err := tx.Exec(ctx, `
		UPDATE contact_flags SET resolved_at = now(), resolved_import_id = NULLIF($4, 0)
		WHERE contact_id = $1 AND resolved_at IS NULL
			AND ((kind = ANY($3) AND kind <> ALL($2))
			  OR (kind = 'email_bounced' AND (SELECT email_status FROM contacts WHERE id = $1) <> 'bounced')
			  OR (kind = 'phone_undeliverable'
			      AND (SELECT phone_status FROM contacts WHERE id = $1) <> 'undeliverable'))`,
		contactID, kinds, closable, importID)
	if err != nil {
		return fmt.Errorf("close fixed flags: %w", err)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO contact_flags (contact_id, kind, field, detail, source, import_id)
		SELECT $1, k, f, d, 'import', NULLIF($5, 0)
		FROM unnest($2::text[], $3::text[], $4::text[]) AS t (k, f, d)
		ON CONFLICT (contact_id, kind) WHERE resolved_at IS NULL DO NOTHING`,
		contactID, kinds, fields, details, importID)
	if err != nil {
		return fmt.Errorf("open flags: %w", err)
	}
	return nil
}

// flagField names the contact field a flag is about.
func flagField(f contact.Flag) string {
	s := string(f)
	switch {
	case strings.HasPrefix(s, "email_"):
		return "email"
	case strings.HasPrefix(s, "phone_"):
		return "phone"
	case f == contact.FlagNameMissing:
		return "name"
	case f == contact.FlagOwnerMissing || f == contact.FlagOwnerConflict:
		return "owner"
	case f == contact.FlagOptOut:
		return "consent"
	}
	return ""
}

// EmailStatus is the stored status of a normalised contact's e-mail.
func EmailStatus(c contact.Contact) string {
	switch {
	case c.Email != "" && hasFlag(c.Flags, contact.FlagEmailTypoSuspected):
		return "typo"
	case c.Email != "":
		return "valid"
	case hasFlag(c.Flags, contact.FlagEmailInvalid):
		return "invalid"
	}
	return "missing"
}

// PhoneStatus is the stored status of a normalised contact's phone.
func PhoneStatus(c contact.Contact) string {
	switch {
	case c.PhoneE164 != "":
		return "valid"
	case c.PhoneType == contact.PhoneInvalid:
		return "invalid"
	}
	return "missing"
}

func hasFlag(flags []contact.Flag, f contact.Flag) bool {
	for _, g := range flags {
		if g == f {
			return true
		}
	}
	return false
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// fingerprint hashes everything an import writes, so that re-importing an
// unchanged row is detected without comparing column by column.
func fingerprint(c contact.Contact, ownerID int64) string {
	h := sha256.New()
	for _, v := range []string{c.ExternalID, c.FirstName, c.LastName, c.Company, c.EmailRaw,
		c.Email, c.EmailSuggestion, c.PhoneRaw, c.PhoneE164, string(c.PhoneType), c.Region,
		fmt.Sprint(c.OptOut, ownerID), strings.Join(c.Tags, ",")} {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// ManagerIDs resolves manager names (as folded keys) or e-mail addresses to
// user IDs. A key that matches no manager is an error naming it.
func (s *Store) ManagerIDs(ctx context.Context, keys []string) ([]int64, error) {
	ids := make([]int64, 0, len(keys))
	for _, key := range keys {
		var id int64
		err := s.db.QueryRow(ctx, `SELECT id FROM users WHERE role = 'manager'
			AND (name_key = $1 OR lower(email) = lower($1)) LIMIT 1`, key).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("manager %q: %w", key, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("find manager %q: %w", key, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// claimKeysTx records keys as identities of the contact; a key another
// contact holds already stays with it.
func claimKeysTx(ctx context.Context, tx pgx.Tx, contactID int64, keys []string) error {
	return claimImportKeysTx(ctx, tx, 0, contactID, keys)
}

// claimImportKeysTx is claimKeysTx for an import (0: none), which a revert takes
// the keys back from.
func claimImportKeysTx(ctx context.Context, tx pgx.Tx, importID, contactID int64, keys []string) error {
	_, err := tx.Exec(ctx, `INSERT INTO contact_keys (key, contact_id, import_id)
		SELECT unnest($1::text[]), $2, NULLIF($3, 0) ON CONFLICT DO NOTHING`,
		keys, contactID, importID)
	if err != nil {
		return fmt.Errorf("record keys of contact %d: %w", contactID, err)
	}
	return nil
}

// recordChangeTx notes what an import does to a contact it updates, keeping the
// contact as it was before so that the import can be reverted (a contact it
// creates carries the import in created_import_id). Only the
// first change of an import to a contact is kept: it holds the state before.
func recordChangeTx(ctx context.Context, tx pgx.Tx, importID, contactID int64, action string) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO import_changes (import_id, contact_id, action, before)
		SELECT $1, $2, $3, CASE WHEN $3 = 'updated' THEN to_jsonb(c) END
		FROM contacts c WHERE c.id = $2
		ON CONFLICT DO NOTHING`, importID, contactID, action)
	if err != nil {
		return fmt.Errorf("record change of contact %d: %w", contactID, err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/crier-dev/crier/internal/contact"
)

// The batch statements below let an import write thousands of new contacts per round
// trip (COPY) instead of a handful of statements per row. They keep the meaning of
// ContactUpsert: the same columns, keys, flags and import changes.

// KeyMatch is the contact a key belongs to.
type KeyMatch struct {
	ContactID int64
	OwnerID   int64 // 0 when the contact has no owner
	// Written: the contact was inserted or updated by the import asked about.
	Written bool
	// Deleted: the key stays with a deleted contact; nobody else may claim it.
	Deleted bool
	// Who is the contact's identity, for SamePerson.
	Who Identity
}

// ContactKeys returns, for each of keys some contact holds, that contact.
func (s *Store) ContactKeys(ctx context.Context, importID int64,
	keys []string) (map[string]KeyMatch, error) {
	rows, err := s.db.Query(ctx, `
		SELECT k.key, c.id, COALESCE(c.owner_id, 0), c.import_id IS NOT DISTINCT FROM $2,
			c.deleted_at IS NOT NULL, COALESCE(c.email, ''), COALESCE(c.external_id, ''),
			c.first_name, c.last_name
		FROM contact_keys k JOIN contacts c ON c.id = k.contact_id
		WHERE k.key = ANY($1)`, keys, importID)
	if err != nil {
		return nil, fmt.Errorf("match contact keys: %w", err)
	}
	defer rows.Close()
	out := make(map[string]KeyMatch, len(keys)/4)
	for rows.Next() {
		var key string
		var m KeyMatch
		if err := rows.Scan(&key, &m.ContactID, &m.OwnerID, &m.Written, &m.Deleted, &m.Who.Email,
			&m.Who.ExternalID, &m.Who.FirstName, &m.Who.LastName); err != nil {
			return nil, fmt.Errorf("match contact keys: %w", err)
		}
		out[key] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match contact keys: %w", err)
	}
	return out, nil
}

// ContactKeysOf lists the identities a normalised contact is found by (external ID,
// e-mail, mobile; else a weak key of its other fields), in order of trust.
func ContactKeysOf(c contact.Contact) []string { return contactKeys(c) }

// NewContact is a contact a batch inserts.
type NewContact struct {
	OwnerID int64
	Contact contact.Contact
	// Keys are the identities it claims; no other contact holds them.
	Keys []string
	// Extra are flags beyond Contact.Flags (duplicate, owner_conflict), with details.
	Extra map[contact.Flag]string
}

// ContactsInsert inserts new contacts of an import with COPY, with their keys and
// open flags, and returns their IDs in order. The contacts carry the import as
// their creator, which is how a revert finds them.
func (s *Store) ContactsInsert(ctx context.Context, importID int64,
	cs []NewContact) ([]int64, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(cs))
	rows, err := s.db.Query(ctx,
		`SELECT nextval('contacts_id_seq') FROM generate_series(1, $1)`, len(cs))
	if err != nil {
		return nil, fmt.Errorf("allocate contact IDs: %w", err)
	}
	ids, err = pgx.AppendRows(ids, rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("allocate contact IDs: %w", err)
	}
	if err := s.copyContacts(ctx, importID, ids, cs); err != nil {
		return nil, err
	}
	if err := s.copyKeys(ctx, importID, ids, cs); err != nil {
		return nil, err
	}
	if err := s.copyFlags(ctx, importID, ids, cs); err != nil {
		return nil, err
	}
	return ids, nil
}

var contactCopyColumns = []string{
	"id", "owner_id", "external_id", "first_name", "last_name", "company",
	"email_raw", "email", "email_suggestion", "email_status",
	"phone_raw", "phone_e164", "phone_type", "phone_status", "region",
	"consent_email", "consent_sms", "tags", "import_id", "created_import_id", "fingerprint",
	"email_role", "email_disposable",
}

func (s *Store) copyContacts(ctx context.Context, importID int64, ids []int64,
	cs []NewContact) error {
	_, err := s.db.CopyFrom(ctx, pgx.Identifier{"contacts"}, contactCopyColumns,
		pgx.CopyFromSlice(len(cs), func(i int) ([]any, error) {
			c, owner := cs[i].Contact, cs[i].OwnerID
			var ownerID *int64
			if owner != 0 {
				ownerID = &owner
			}
			var extID *string
			if c.ExternalID != "" {
				extID = &c.ExternalID
			}
			return []any{ids[i], ownerID, extID, c.FirstName, c.LastName, c.Company,
				c.EmailRaw, c.Email, c.EmailSuggestion, EmailStatus(c),
				c.PhoneRaw, c.PhoneE164, string(c.PhoneType), PhoneStatus(c), c.Region,
				!c.OptOut, !c.OptOut, nonNil(c.Tags), importID, importID,
				fingerprint(c, owner), c.EmailRole, c.EmailDisposable}, nil
		}))
	if err != nil {
		return fmt.Errorf("insert contacts: %w", err)
	}
	return nil
}

func (s *Store) copyKeys(ctx context.Context, importID int64, ids []int64, cs []NewContact) error {
	var rows [][]any
	for i, c := range cs {
		for _, k := range c.Keys {
			rows = append(rows, []any{k, ids[i], importID})
		}
	}
	_, err := s.db.CopyFrom(ctx, pgx.Identifier{"contact_keys"},
		[]string{"key", "contact_id", "import_id"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("record contact keys: %w", err)
	}
	return nil
}

func (s *Store) copyFlags(ctx context.Context, importID int64, ids []int64, cs []NewContact) error {
	var rows [][]any
	for i, nc := range cs {
		for _, f := range nc.Contact.Flags {
			rows = append(rows, []any{ids[i], string(f), flagField(f),
				nc.Contact.FlagDetail[f], "import", importID})
		}
		for _, f := range []contact.Flag{contact.FlagDuplicate, contact.FlagOwnerConflict} {
			if d, ok := nc.Extra[f]; ok && !hasFlag(nc.Contact.Flags, f) {
				rows = append(rows, []any{ids[i], string(f), "", d, "import", importID})
			}
		}
	}
	_, err := s.db.CopyFrom(ctx, pgx.Identifier{"contact_flags"},
		[]string{"contact_id", "kind", "field", "detail", "source", "import_id"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("open flags of new contacts: %w", err)
	}
	return nil
}

// DuplicateMark says that a row of an import repeated a contact already written.
type DuplicateMark struct {
	ContactID int64
	Row       int
	Duplicate bool // open the duplicate flag (false: the import opened it already)
	Conflict  bool // open owner_conflict: the rows name different managers
	Keys      []string
}

// ContactsMarkDuplicates opens duplicate (and owner_conflict) flags on contacts an
// import listed again, as ContactUpsert does, and records the repeated rows' keys
// for those contacts where no contact holds them yet.
func (s *Store) ContactsMarkDuplicates(ctx context.Context, importID int64,
	marks []DuplicateMark) error {
	if len(marks) == 0 {
		return nil
	}
	var ids, keyIDs []int64
	var kinds, details, keys []string
	for _, m := range marks {
		if m.Duplicate {
			ids = append(ids, m.ContactID)
			kinds = append(kinds, string(contact.FlagDuplicate))
			details = append(details,
				fmt.Sprintf("listed again in the same import (row %d)", m.Row))
		}
		if m.Conflict {
			ids = append(ids, m.ContactID)
			kinds = append(kinds, string(contact.FlagOwnerConflict))
			details = append(details, "the same customer is listed under two managers")
		}
		for _, k := range m.Keys {
			keyIDs, keys = append(keyIDs, m.ContactID), append(keys, k)
		}
	}
	_, err := s.db.Exec(ctx, `
		INSERT INTO contact_flags (contact_id, kind, field, detail, source, import_id)
		SELECT id, k, '', d, 'import', $4
		FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS t (id, k, d, n)
		ORDER BY n
		ON CONFLICT (contact_id, kind) WHERE resolved_at IS NULL DO NOTHING`,
		ids, kinds, details, importID)
	if err != nil {
		return fmt.Errorf("flag duplicate contacts: %w", err)
	}
	_, err = s.db.Exec(ctx, `INSERT INTO contact_keys (key, contact_id, import_id)
		SELECT k, id, $3 FROM unnest($1::text[], $2::bigint[]) AS t (k, id)
		ON CONFLICT DO NOTHING`, keys, keyIDs, importID)
	if err != nil {
		return fmt.Errorf("record keys of duplicate contacts: %w", err)
	}
	return nil
}

// ImportRejects records rejected rows of an import with COPY.
func (s *Store) ImportRejects(ctx context.Context, rejects []ImportRejectParams) error {
	if len(rejects) == 0 {
		return nil
	}
	_, err := s.db.CopyFrom(ctx, pgx.Identifier{"import_rejects"},
		[]string{"import_id", "row_no", "line_no", "col", "reason"},
		pgx.CopyFromSlice(len(rejects), func(i int) ([]any, error) {
			r := rejects[i]
			return []any{r.ImportID, r.Row, r.Line, r.Column, r.Reason}, nil
		}))
	if err != nil {
		return fmt.Errorf("record rejected rows: %w", err)
	}
	return nil
}

package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ErrReverted is returned when an import was reverted before.
var ErrReverted = errors.New("store: import already reverted")

// RevertResult counts what reverting an import did.
type RevertResult struct {
	Removed  int // contacts the import created, now deleted
	Restored int // contacts the import updated, now as they were before
	// Kept counts contacts a later import or a person changed since; they are
	// left as they are.
	Kept int
}

// ImportRevert undoes an import: contacts it created are deleted (softly:
// their messages and history stay), contacts it updated get their earlier
// data back. A contact changed again since the import (its version moved on,
// by a person or a later import) is left alone and counted in Kept.
func (s *Store) ImportRevert(ctx context.Context, importID int64) (RevertResult, error) {
	var res RevertResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var reverted bool
		err := tx.QueryRow(ctx, `SELECT reverted_at IS NOT NULL FROM imports WHERE id = $1
			FOR UPDATE`, importID).Scan(&reverted)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("import %d: %w", importID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("find import %d: %w", importID, err)
		}
		if reverted {
			return fmt.Errorf("import %d: %w", importID, ErrReverted)
		}
		if res, err = revertTx(ctx, tx, importID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE imports SET reverted_at = now() WHERE id = $1`, importID)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("revert import %d: %w", importID, err)
	}
	return res, nil
}

func revertTx(ctx context.Context, tx pgx.Tx, importID int64) (RevertResult, error) {
	var res RevertResult
	removed, err := idList(ctx, tx, `SELECT id FROM contacts
		WHERE created_import_id = $1 AND import_id = $1 AND version = 1
			AND deleted_at IS NULL`, importID)
	if err != nil {
		return res, fmt.Errorf("find created contacts: %w", err)
	}
	restored, err := idList(ctx, tx, `SELECT c.id FROM contacts c JOIN import_changes ch
			ON ch.contact_id = c.id AND ch.import_id = $1 AND ch.action = 'updated'
		WHERE c.import_id = $1 AND c.deleted_at IS NULL
			AND c.version = (ch.before->>'version')::int + 1`, importID)
	if err != nil {
		return res, fmt.Errorf("find updated contacts: %w", err)
	}
	if err := revertKeysAndFlags(ctx, tx, importID, append(removed, restored...)); err != nil {
		return res, err
	}
	tag, err := tx.Exec(ctx, `
		UPDATE contacts SET deleted_at = now(), updated_at = now(), version = version + 1
		WHERE id = ANY($1)`, removed)
	if err != nil {
		return res, fmt.Errorf("remove created contacts: %w", err)
	}
	res.Removed = int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `
		UPDATE contacts c SET
			owner_id = b.owner_id, external_id = b.external_id, first_name = b.first_name,
			last_name = b.last_name, company = b.company, email_raw = b.email_raw,
			email = b.email, email_suggestion = b.email_suggestion,
			email_status = b.email_status, phone_raw = b.phone_raw, phone_e164 = b.phone_e164,
			phone_type = b.phone_type, phone_status = b.phone_status, region = b.region,
			consent_email = b.consent_email, consent_sms = b.consent_sms, tags = b.tags,
			import_id = b.import_id, fingerprint = b.fingerprint,
			email_role = b.email_role, email_disposable = b.email_disposable,
			version = c.version + 1, updated_at = now()
		FROM import_changes ch, jsonb_populate_record(NULL::contacts, ch.before) b
		WHERE ch.import_id = $1 AND ch.action = 'updated' AND c.id = ch.contact_id
			AND c.id = ANY($2)`, importID, restored)
	if err != nil {
		return res, fmt.Errorf("restore updated contacts: %w", err)
	}
	res.Restored = int(tag.RowsAffected())
	err = tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM import_changes WHERE import_id = $1 AND action = 'updated') +
		(SELECT count(*) FROM contacts WHERE created_import_id = $1)`,
		importID).Scan(&res.Kept)
	if err != nil {
		return res, fmt.Errorf("count changes: %w", err)
	}
	res.Kept -= res.Removed + res.Restored
	return res, nil
}

// revertKeysAndFlags takes back from the contacts the keys and flags the import
// gave them and reopens the flags it closed.
func revertKeysAndFlags(ctx context.Context, tx pgx.Tx, importID int64, ids []int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM contact_keys WHERE import_id = $1 AND contact_id = ANY($2)`,
		importID, ids)
	if err != nil {
		return fmt.Errorf("take back keys: %w", err)
	}
	_, err = tx.Exec(ctx, `DELETE FROM contact_flags WHERE import_id = $1 AND contact_id = ANY($2)
		AND resolved_at IS NULL`, importID, ids)
	if err != nil {
		return fmt.Errorf("take back flags: %w", err)
	}
	_, err = tx.Exec(ctx, `
		UPDATE contact_flags f SET resolved_at = NULL, resolved_import_id = NULL
		WHERE f.resolved_import_id = $1 AND f.contact_id = ANY($2)
			AND NOT EXISTS (SELECT 1 FROM contact_flags o WHERE o.contact_id = f.contact_id
				AND o.kind = f.kind AND o.resolved_at IS NULL)`, importID, ids)
	if err != nil {
		return fmt.Errorf("reopen flags: %w", err)
	}
	return nil
}

// idList runs a query returning one ID per row.
func idList(ctx context.Context, tx pgx.Tx, sql string, args ...any) ([]int64, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

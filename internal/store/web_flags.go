package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// WebFlag is an open (or resolved) flag with its contact and the evidence:
// the message that failed and the provider's last event about it.
type WebFlag struct {
	ID          int64
	ContactID   int64
	Kind        string
	Field       string
	Detail      string
	Source      string
	OpenedAt    time.Time
	Resolved    bool
	OwnerID     int64
	OwnerName   string
	FirstName   string
	LastName    string
	Company     string
	EmailRaw    string
	Email       string
	EmailStatus string
	Suggestion  string
	PhoneRaw    string
	PhoneE164   string
	PhoneType   string
	PhoneStatus string
	Region      string
	MessageID   int64
	Channel     string
	ErrorCode   string
	ErrorDetail string
	EventAt     *time.Time
	EventSource string // provider and kind: "twilio status"
	EventStatus string // the provider's status word: undelivered, failed
	EventCode   string // the provider's error code
}

const webFlagSelect = `
	SELECT f.id, f.contact_id, f.kind, f.field, f.detail, f.source, f.opened_at,
		f.resolved_at IS NOT NULL, COALESCE(c.owner_id, 0), COALESCE(u.name, ''),
		c.first_name, c.last_name, c.company, c.email_raw, c.email, c.email_status,
		c.email_suggestion, c.phone_raw, c.phone_e164, c.phone_type, c.phone_status, c.region,
		COALESCE(m.id, 0), COALESCE(m.channel, ''), COALESCE(m.error_code, ''),
		COALESCE(m.error_detail, ''), e.received_at, COALESCE(e.provider || ' ' || e.kind, ''),
		COALESCE(e.payload->>'MessageStatus', e.payload->>'status', ''),
		COALESCE(e.payload->>'ErrorCode', e.payload->>'code', '')
	FROM contact_flags f
	JOIN contacts c ON c.id = f.contact_id
	LEFT JOIN users u ON u.id = c.owner_id
	LEFT JOIN messages m ON m.id = f.message_id
	LEFT JOIN LATERAL (SELECT provider, kind, payload, received_at FROM events
		WHERE message_id = f.message_id ORDER BY id DESC LIMIT 1) e ON true`

// FlagFilter selects open flags; zero values select all.
type FlagFilter struct {
	Kind   string
	Limit  int
	Offset int
}

// WebFlagsOpen returns the open flags of contacts in scope, oldest first.
func (s *Store) WebFlagsOpen(ctx context.Context, scope WebScope, f FlagFilter) ([]WebFlag, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	rows, err := s.db.Query(ctx, webFlagSelect+`
		WHERE `+scopeSQL+` AND f.resolved_at IS NULL AND ($3 = '' OR f.kind = $3)
		ORDER BY f.opened_at, f.id LIMIT $4 OFFSET $5`,
		scope.All, scope.OwnerID, f.Kind, f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("open flags: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[WebFlag])
	if err != nil {
		return nil, fmt.Errorf("open flags: %w", err)
	}
	return out, nil
}

// WebFlag returns one flag of a contact in scope, or ErrNotFound.
func (s *Store) WebFlag(ctx context.Context, scope WebScope, id int64) (WebFlag, error) {
	rows, err := s.db.Query(ctx, webFlagSelect+` WHERE `+scopeSQL+` AND f.id = $3`,
		scope.All, scope.OwnerID, id)
	if err != nil {
		return WebFlag{}, fmt.Errorf("flag %d: %w", id, err)
	}
	fl, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[WebFlag])
	if err != nil {
		return fl, userErr(fmt.Sprintf("flag %d", id), err)
	}
	return fl, nil
}

// WebContactFlags returns a contact's open flags, oldest first.
func (s *Store) WebContactFlags(ctx context.Context, scope WebScope, contactID int64) ([]WebFlag, error) {
	rows, err := s.db.Query(ctx, webFlagSelect+`
		WHERE `+scopeSQL+` AND f.contact_id = $3 AND f.resolved_at IS NULL
		ORDER BY f.opened_at, f.id`, scope.All, scope.OwnerID, contactID)
	if err != nil {
		return nil, fmt.Errorf("flags of contact %d: %w", contactID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[WebFlag])
	if err != nil {
		return nil, fmt.Errorf("flags of contact %d: %w", contactID, err)
	}
	return out, nil
}

// WebFlagCounts counts the open flags of contacts in scope by kind.
func (s *Store) WebFlagCounts(ctx context.Context, scope WebScope) (map[string]int, error) {
	rows, err := s.db.Query(ctx, `SELECT f.kind, count(*) FROM contact_flags f
		JOIN contacts c ON c.id = f.contact_id
		WHERE `+scopeSQL+` AND f.resolved_at IS NULL GROUP BY f.kind`, scope.All, scope.OwnerID)
	if err != nil {
		return nil, fmt.Errorf("count open flags: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, fmt.Errorf("count open flags: %w", err)
		}
		out[kind] = n
	}
	return out, rows.Err()
}

// WebWeek are a manager's counters since a moment (a week ago): flags fixed,
// flags new, customers who left, and flags open now.
type WebWeek struct {
	Fixed int
	New   int
	Left  int
	Open  int
}

// WebWeekCounters counts a scope's fixes, new flags and departures since.
// A flag closed because its customer left counts as left, not as fixed.
func (s *Store) WebWeekCounters(ctx context.Context, scope WebScope, since time.Time) (WebWeek, error) {
	var w WebWeek
	err := s.db.QueryRow(ctx, `
		SELECT
			count(*) FILTER (WHERE f.resolved_at >= $3 AND c.deleted_at IS NULL),
			count(*) FILTER (WHERE f.opened_at >= $3),
			(SELECT count(*) FROM contacts c WHERE c.deleted_at >= $3
				AND ($1::boolean OR c.owner_id = $2::bigint)),
			count(*) FILTER (WHERE f.resolved_at IS NULL AND c.deleted_at IS NULL)
		FROM contact_flags f JOIN contacts c ON c.id = f.contact_id
		WHERE ($1::boolean OR c.owner_id = $2::bigint)
			AND (f.resolved_at IS NULL OR f.resolved_at >= $3 OR f.opened_at >= $3)`,
		scope.All, scope.OwnerID, since).Scan(&w.Fixed, &w.New, &w.Left, &w.Open)
	if err != nil {
		return w, fmt.Errorf("week counters: %w", err)
	}
	return w, nil
}

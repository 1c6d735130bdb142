package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// WebScope is what a web user may see of the contacts: one owner's, or all.
// The zero value sees nothing.
type WebScope struct {
	OwnerID int64
	All     bool
}

// WebContact is a contact as the web pages show it.
type WebContact struct {
	ID              int64
	OwnerID         int64
	OwnerName       string
	FirstName       string
	LastName        string
	Company         string
	EmailRaw        string
	Email           string
	EmailStatus     string
	EmailSuggestion string
	PhoneRaw        string
	PhoneE164       string
	PhoneType       string
	PhoneStatus     string
	Region          string
	ConsentEmail    bool
	ConsentSMS      bool
	Version         int
	UpdatedAt       time.Time
	OpenFlags       int
}

const webContactColumns = `c.id, COALESCE(c.owner_id, 0), COALESCE(u.name, ''), c.first_name,
	c.last_name, c.company, c.email_raw, c.email, c.email_status, c.email_suggestion, c.phone_raw,
	c.phone_e164, c.phone_type, c.phone_status, c.region, c.consent_email, c.consent_sms,
	c.version, c.updated_at,
	(SELECT count(*) FROM contact_flags f WHERE f.contact_id = c.id AND f.resolved_at IS NULL)`

// scopeSQL is the condition of a scope on contacts c, with the scope's
// arguments at $1 (all) and $2 (owner).
const scopeSQL = `c.deleted_at IS NULL AND ($1::boolean OR c.owner_id = $2::bigint)`

// WebContactSearch finds contacts in scope whose name, company, e-mail or
// phone contains q (any letter case), by name. It returns up to limit
// contacts from offset and how many match in all.
func (s *Store) WebContactSearch(ctx context.Context, scope WebScope, q string,
	limit, offset int) ([]WebContact, int, error) {
	like := "%" + strings.TrimSuffix(likePrefix(strings.TrimSpace(q)), "%") + "%"
	where := scopeSQL + ` AND ($3 = '%%' OR concat_ws(' ', c.first_name, c.last_name, c.company,
		c.email, c.email_raw, c.phone_e164, c.phone_raw) ILIKE $3)`
	var total int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM contacts c WHERE `+where,
		scope.All, scope.OwnerID, like).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("search contacts: %w", err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+webContactColumns+`
		FROM contacts c LEFT JOIN users u ON u.id = c.owner_id WHERE `+where+`
		ORDER BY c.last_name, c.first_name, c.id LIMIT $4 OFFSET $5`,
		scope.All, scope.OwnerID, like, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("search contacts: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[WebContact])
	if err != nil {
		return nil, 0, fmt.Errorf("search contacts: %w", err)
	}
	return out, total, nil
}

// WebContact returns a contact in scope, or ErrNotFound — also when the
// contact exists but belongs to someone the scope does not cover.
func (s *Store) WebContact(ctx context.Context, scope WebScope, id int64) (WebContact, error) {
	rows, err := s.db.Query(ctx, `SELECT `+webContactColumns+`
		FROM contacts c LEFT JOIN users u ON u.id = c.owner_id
		WHERE `+scopeSQL+` AND c.id = $3`, scope.All, scope.OwnerID, id)
	if err != nil {
		return WebContact{}, fmt.Errorf("contact %d: %w", id, err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[WebContact])
	if err != nil {
		return c, userErr(fmt.Sprintf("contact %d", id), err)
	}
	return c, nil
}

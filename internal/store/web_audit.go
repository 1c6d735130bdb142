package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditEntry is one line of the audit log: who did what to which entity, and
// for a change of a field, from what to what.
type AuditEntry struct {
	ID        int64
	ActorID   int64 // 0: the system or an unknown actor
	ActorName string
	Action    string // contact.update, flag.resolve, contact.left, login, login.failed, ...
	Entity    string // contact, flag, user, campaign, suppression
	EntityID  int64
	Field     string
	Old       string
	New       string
	At        time.Time
}

// WebAudit appends an entry to the audit log.
func (s *Store) WebAudit(ctx context.Context, e AuditEntry) error {
	return auditTx(ctx, s.db, e)
}

func auditTx(ctx context.Context, db dbtx, e AuditEntry) error {
	_, err := db.Exec(ctx, `INSERT INTO audit_log (actor_id, action, entity, entity_id, field,
		old_value, new_value) VALUES (NULLIF($1, 0), $2, $3, NULLIF($4, 0), $5, $6, $7)`,
		e.ActorID, e.Action, e.Entity, e.EntityID, e.Field, e.Old, e.New)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter selects audit entries; zero values select everything.
type AuditFilter struct {
	Entity   string
	EntityID int64
	Action   string // a prefix: "contact." or "login"
	Limit    int
}

// WebAuditList returns the newest audit entries first.
func (s *Store) WebAuditList(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	rows, err := s.db.Query(ctx, `
		SELECT a.id, COALESCE(a.actor_id, 0), COALESCE(u.name, ''), a.action, a.entity,
			COALESCE(a.entity_id, 0), a.field, COALESCE(a.old_value, ''),
			COALESCE(a.new_value, ''), a.at
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE ($1 = '' OR a.entity = $1) AND ($2 = 0 OR a.entity_id = $2)
			AND ($3 = '' OR a.action LIKE $3)
		ORDER BY a.at DESC, a.id DESC LIMIT $4`,
		f.Entity, f.EntityID, likePrefix(f.Action), f.Limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[AuditEntry])
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}

func likePrefix(s string) string {
	if s == "" {
		return ""
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

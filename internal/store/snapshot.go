package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Snapshot is one manager's figures on one day.
type Snapshot struct {
	Day         time.Time
	OwnerID     int64
	Name        string
	Contacts    int
	Complete    int
	ValidEmail  int
	ValidMobile int
	OpenFlags   int
	Score       float64
}

// SnapshotSave stores today's figures, replacing an earlier snapshot of today.
func (s *Store) SnapshotSave(ctx context.Context, snaps []Snapshot) error {
	return s.InTx(ctx, func(tx *Store) error {
		for _, sn := range snaps {
			_, err := tx.db.Exec(ctx, `
				INSERT INTO quality_snapshots (day, owner_id, contacts, complete, valid_email,
					valid_mobile, open_flags, score)
				VALUES (current_date, $1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (day, owner_id) DO UPDATE SET contacts = EXCLUDED.contacts,
					complete = EXCLUDED.complete, valid_email = EXCLUDED.valid_email,
					valid_mobile = EXCLUDED.valid_mobile, open_flags = EXCLUDED.open_flags,
					score = EXCLUDED.score, taken_at = now()`,
				sn.OwnerID, sn.Contacts, sn.Complete, sn.ValidEmail, sn.ValidMobile,
				sn.OpenFlags, sn.Score)
			if err != nil {
				return fmt.Errorf("save snapshot: %w", err)
			}
		}
		return nil
	})
}

// SnapshotTrend returns the snapshots of the last days, oldest first.
func (s *Store) SnapshotTrend(ctx context.Context, days int) ([]Snapshot, error) {
	rows, err := s.db.Query(ctx, `
		SELECT q.day, q.owner_id, COALESCE(u.name, ''), q.contacts, q.complete,
			q.valid_email, q.valid_mobile, q.open_flags, q.score::float8
		FROM quality_snapshots q LEFT JOIN users u ON u.id = q.owner_id
		WHERE q.day > current_date - $1::int
		ORDER BY q.day, COALESCE(u.name, '')`, days)
	if err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	snaps, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Snapshot])
	if err != nil {
		return nil, fmt.Errorf("read snapshots: %w", err)
	}
	return snaps, nil
}

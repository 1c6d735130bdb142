// Package store is crier's Postgres layer: every SQL statement lives here. The
// message table is the send ledger; its transitions are guarded in SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/crier-dev/crier"
)

// ErrNotFound is returned when a row asked for by its key does not exist.
var ErrNotFound = errors.New("store: not found")

// Store wraps a pgx connection pool, or a transaction inside InTx.
type Store struct {
	pool *pgxpool.Pool
	db   dbtx // the pool, or the transaction of InTx
	// betweenClaimAndSettle, set by tests only, runs after a bulk claim
	// refused messages and before they are settled.
	betweenClaimAndSettle func()
}

// dbtx is what a pool and a transaction have in common.
type dbtx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string,
		src pgx.CopyFromSource) (int64, error)
}

// InTx runs fn with a store whose statements all run in one transaction,
// committed when fn returns nil and rolled back otherwise. Transactions fn
// starts itself become savepoints.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		return fn(&Store{pool: s.pool, db: tx})
	})
}

// defaultMaxConns is the connection pool size when the URL does not set one.
const defaultMaxConns = 16

// Open connects to Postgres and checks the connection.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if !strings.Contains(databaseURL, "pool_max_conns") {
		// pgx's default (the CPU count, at least 4) starves a worker whose
		// batches each wait on their own statement; ?pool_max_conns= overrides.
		cfg.MaxConns = max(cfg.MaxConns, defaultMaxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database %s: %w", redact(databaseURL), err)
	}
	return &Store{pool: pool, db: pool}, nil
}

// Close closes the pool. A store of InTx must not be closed.
func (s *Store) Close() { s.pool.Close() }

// Pool returns the underlying pool, for tests and health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// EnsureDatabase creates the database named in databaseURL when it does not
// exist yet, connecting to the server's "postgres" database to do so.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return fmt.Errorf("parse CRIER_DATABASE_URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return nil
	}
	admin := *u
	admin.Path = "/postgres"
	cfg, err := connConfig(admin.String())
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(admin.String()), err)
	}
	defer conn.Close(ctx)

	var exists bool
	err = conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`,
		name).Scan(&exists)
	if err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	if createdMeanwhile(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %q: %w", name, err)
	}
	return nil
}

// createdMeanwhile tells whether err from CREATE DATABASE means another
// process created the same database at the same time: Postgres answers either
// duplicate_database, or, when both inserts race in pg_database, a unique
// violation of its name index.
func createdMeanwhile(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	return pgErr.Code == "42P04" ||
		(pgErr.Code == "23505" && pgErr.ConstraintName == "pg_database_datname_index")
}

// connConfig parses databaseURL for a single connection. The pool's settings
// (pool_max_conns and the like) are taken out: sent to the server as
// run-time parameters, they would fail the connection.
func connConfig(databaseURL string) (*pgx.ConnConfig, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse CRIER_DATABASE_URL: %w", err)
	}
	return cfg.ConnConfig, nil
}

// Migrate applies the embedded migrations: direction "up", "down" (one step) or
// "status". It reports what it did through report.
func Migrate(ctx context.Context, databaseURL, direction string, report func(string)) error {
	cfg, err := connConfig(databaseURL)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	return migrateDB(ctx, db, direction, report)
}

func migrateDB(ctx context.Context, db *sql.DB, direction string, report func(string)) error {
	migrations, err := fs.Sub(crier.Migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open embedded migrations: %w", err)
	}
	// Several processes may migrate one database at once (replicas starting
	// together): a Postgres advisory lock held for the session serialises them.
	// The lock is tried every second for up to 5 minutes (goose's default
	// waits 5 s between tries, slowing down every replica but the first).
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	// Out-of-order migrations are allowed: branches add numbered files in parallel.
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations,
		goose.WithAllowOutofOrder(true), goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	switch direction {
	case "up":
		results, err := provider.Up(ctx)
		for _, r := range results {
			report(fmt.Sprintf("applied %s (%s)", r.Source.Path, r.Duration.Round(1e6)))
		}
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
	case "down":
		r, err := provider.Down(ctx)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		report(fmt.Sprintf("rolled back %s", r.Source.Path))
	case "status":
		statuses, err := provider.Status(ctx)
		if err != nil {
			return fmt.Errorf("migration status: %w", err)
		}
		for _, st := range statuses {
			report(fmt.Sprintf("%-10s %s", st.State, st.Source.Path))
		}
	default:
		return fmt.Errorf("migrate: unknown direction %q (want up, down or status)", direction)
	}
	return nil
}

// redact hides a password in a connection URL for error messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(database URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// inTx runs fn in a transaction and commits it when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit

	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// ResetDatabase drops the database named in databaseURL, closing its
// connections, and creates it empty. Only the demo uses it, on its own database.
func ResetDatabase(ctx context.Context, databaseURL string) error {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return fmt.Errorf("parse database URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return fmt.Errorf("refusing to reset database %q", name)
	}
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(admin.String()), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+
		pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %q: %w", name, err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %q: %w", name, err)
	}
	return nil
}

// WithDatabase returns databaseURL naming another database on the same server.
func WithDatabase(databaseURL, name string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", fmt.Errorf("parse database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

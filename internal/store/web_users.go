package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Roles of the web app's users.
const (
	RoleAdmin      = "admin"
	RoleMarketing  = "marketing"
	RoleSupervisor = "supervisor"
	RoleManager    = "manager"
	RoleOperator   = "operator"
)

// Roles lists every role, in the order the admin page shows them.
var Roles = []string{RoleAdmin, RoleMarketing, RoleSupervisor, RoleManager, RoleOperator}

// ErrUserConflict is returned when a user cannot be added because the e-mail
// or name belongs to a user of another role or address.
var ErrUserConflict = errors.New("store: user exists with another role or e-mail")

// User is a person who signs in to the web app.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	HasPassword  bool
	Disabled     bool
	CreatedAt    time.Time
}

const userColumns = `u.id, COALESCE(u.email, ''), u.name, u.role, u.password_hash,
	u.password_hash <> '', u.disabled_at IS NOT NULL, u.created_at`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &u.HasPassword,
		&u.Disabled, &u.CreatedAt)
	return u, err
}

// WebUserSetRole changes a user's role. A user who would be a second manager
// of the same name answers ErrUserConflict; an unknown user ErrNotFound.
func (s *Store) WebUserSetRole(ctx context.Context, id int64, role string) error {
	tag, err := s.db.Exec(ctx, `UPDATE users SET role = $2 WHERE id = $1`, id, role)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("set role of user %d: %w", id, ErrUserConflict)
	}
	if err != nil {
		return fmt.Errorf("set role of user %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return nil
}

// WebUserSetDisabled disables a user (their sessions and tokens stop working
// at once) or enables them again.
func (s *Store) WebUserSetDisabled(ctx context.Context, id int64, disabled bool) error {
	tag, err := s.db.Exec(ctx, `UPDATE users SET disabled_at = CASE WHEN $2 THEN
		COALESCE(disabled_at, now()) END WHERE id = $1`, id, disabled)
	if err != nil {
		return fmt.Errorf("disable user %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return nil
}

func userErr(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// WebUserByEmail returns the enabled user with this e-mail (any letter case).
func (s *Store) WebUserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u
		WHERE lower(u.email) = lower($1) AND u.disabled_at IS NULL`, email))
	if err != nil {
		return u, userErr("find user by e-mail", err)
	}
	return u, nil
}

// WebUserByID returns the enabled user with this ID.
func (s *Store) WebUserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u
		WHERE u.id = $1 AND u.disabled_at IS NULL`, id))
	if err != nil {
		return u, userErr(fmt.Sprintf("find user %d", id), err)
	}
	return u, nil
}

// WebUsers lists every user by role and name.
func (s *Store) WebUsers(ctx context.Context) ([]User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users u
		ORDER BY array_position($1::text[], u.role), u.name, u.id`, Roles)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// WebUserAddParams describe a user to add. PasswordHash may be empty (the
// user signs in with an API token only, or gets a password later).
type WebUserAddParams struct {
	Email        string
	Name         string
	NameKey      string // the Turkish-folded name, as imports match managers
	Role         string
	PasswordHash string
}

// WebUserAdd creates the user, or completes the existing one: a manager an
// import created by name gets the e-mail and the password. It returns the
// user and whether it was created. A user of another role answers
// ErrUserConflict.
func (s *Store) WebUserAdd(ctx context.Context, p WebUserAddParams) (User, bool, error) {
	var u User
	created := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		id, err := findUserTx(ctx, tx, p)
		if err != nil {
			return err
		}
		if id == 0 {
			created = true
			err = tx.QueryRow(ctx, `INSERT INTO users (name, name_key, email, role, password_hash)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				p.Name, p.NameKey, p.Email, p.Role, p.PasswordHash).Scan(&id)
		} else {
			_, err = tx.Exec(ctx, `UPDATE users SET email = COALESCE(email, $2),
				password_hash = CASE WHEN $3 = '' THEN password_hash ELSE $3 END, disabled_at = NULL
				WHERE id = $1`, id, p.Email, p.PasswordHash)
		}
		if err != nil {
			return fmt.Errorf("save user: %w", err)
		}
		u, err = scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
		return err
	})
	if err != nil {
		return u, false, fmt.Errorf("add user: %w", err)
	}
	return u, created, nil
}

// findUserTx finds the user p names: by e-mail, else (for a manager) by name.
func findUserTx(ctx context.Context, tx pgx.Tx, p WebUserAddParams) (int64, error) {
	var id int64
	var role, email string
	err := tx.QueryRow(ctx, `SELECT id, role, COALESCE(email, '') FROM users
		WHERE lower(email) = lower($1)
			OR ($2 = 'manager' AND role = 'manager' AND name_key = $3)
		ORDER BY lower(email) = lower($1) DESC NULLS LAST LIMIT 1 FOR UPDATE`,
		p.Email, p.Role, p.NameKey).Scan(&id, &role, &email)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find user: %w", err)
	}
	if role != p.Role {
		return 0, fmt.Errorf("%w: the user is a %s", ErrUserConflict, role)
	}
	if email != "" && !equalFold(email, p.Email) {
		return 0, fmt.Errorf("%w: the manager of that name has another e-mail", ErrUserConflict)
	}
	return id, nil
}

// WebSessionCreate stores a session by the hash of its cookie's secret.
func (s *Store) WebSessionCreate(ctx context.Context, tokenHash string, userID int64,
	expires time.Time) error {
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at)
		VALUES ($1, $2, $3)`, tokenHash, userID, expires)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// WebSessionUser returns the user of an unexpired session and notes that the
// session was used.
func (s *Store) WebSessionUser(ctx context.Context, tokenHash string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `
		WITH seen AS (UPDATE sessions SET last_seen_at = now()
			WHERE token_hash = $1 AND expires_at > now() RETURNING user_id)
		SELECT `+userColumns+` FROM seen JOIN users u ON u.id = seen.user_id
		WHERE u.disabled_at IS NULL`, tokenHash))
	if err != nil {
		return u, userErr("find session", err)
	}
	return u, nil
}

// WebSessionDelete ends a session; expired sessions of everyone go too.
func (s *Store) WebSessionDelete(ctx context.Context, tokenHash string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1 OR expires_at < now()`,
		tokenHash)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// WebAPITokenCreate stores an API token by its hash.
func (s *Store) WebAPITokenCreate(ctx context.Context, userID int64, tokenHash, name string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO api_tokens (user_id, token_hash, name)
		VALUES ($1, $2, $3)`, userID, tokenHash, name)
	if err != nil {
		return fmt.Errorf("create API token: %w", err)
	}
	return nil
}

// WebAPITokenUser returns the user of a token that was not revoked.
func (s *Store) WebAPITokenUser(ctx context.Context, tokenHash string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `
		WITH used AS (UPDATE api_tokens SET last_used_at = now()
			WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id)
		SELECT `+userColumns+` FROM used JOIN users u ON u.id = used.user_id
		WHERE u.disabled_at IS NULL`, tokenHash))
	if err != nil {
		return u, userErr("find API token", err)
	}
	return u, nil
}

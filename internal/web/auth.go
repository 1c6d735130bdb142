package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
)

// Session and sign-in settings.
const (
	sessionCookie = "crier_session"
	sessionTTL    = 12 * time.Hour
	// loginBurst attempts are allowed at once per client address and per
	// e-mail, then one every loginEvery.
	loginBurst = 10
	loginEvery = 6 * time.Second
)

// ErrBadLogin is returned for an unknown e-mail or a wrong password alike, so
// that the answer does not tell which e-mails exist.
var ErrBadLogin = errors.New("web: wrong e-mail or password")

// NewToken returns a random secret for a cookie or an API token and the hash
// the database keeps of it.
func NewToken() (secret, hash string) {
	secret = rand.Text() + rand.Text()
	return secret, HashToken(secret)
}

// HashToken is the hash under which a session or API token is stored.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// HashPassword hashes a password with bcrypt at cost (bcrypt.DefaultCost
// when 0).
func HashPassword(password string, cost int) (string, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	if len(password) < 8 {
		return "", errors.New("the password must have at least 8 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// UserAddParams describe a user to create with CreateUser.
type UserAddParams struct {
	Email    string
	Name     string
	Role     string
	Password string // empty: the user signs in with the API token only
	// BcryptCost is the password hash's cost; 0 means bcrypt.DefaultCost.
	BcryptCost int
}

// CreateUser adds the user (or completes the manager an import created by
// name) and gives it a new API token, which it returns: the database keeps
// only the token's hash.
func CreateUser(ctx context.Context, st *store.Store, p UserAddParams) (store.User, string, error) {
	var u store.User
	if !validRole(p.Role) {
		return u, "", fmt.Errorf("role %q: one of %s", p.Role, strings.Join(store.Roles, ", "))
	}
	email := contact.NormalizeEmail(p.Email)
	if email.Address == "" {
		return u, "", fmt.Errorf("e-mail: %s", email.Detail)
	}
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = strings.SplitN(email.Address, "@", 2)[0]
	}
	hash := ""
	if p.Password != "" {
		var err error
		if hash, err = HashPassword(p.Password, p.BcryptCost); err != nil {
			return u, "", err
		}
	}
	u, _, err := st.WebUserAdd(ctx, store.WebUserAddParams{Email: email.Address, Name: name,
		NameKey: contact.FoldTR(name), Role: p.Role, PasswordHash: hash})
	if err != nil {
		return u, "", err
	}
	secret, tokenHash := NewToken()
	if err := st.WebAPITokenCreate(ctx, u.ID, tokenHash, "crier user add"); err != nil {
		return u, "", err
	}
	return u, secret, nil
}

func validRole(role string) bool {
	for _, r := range store.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// login checks the password and starts a session; it returns the cookie's
// secret.
func (ui *UI) login(ctx context.Context, email, password string) (store.User, string, error) {
	u, err := ui.st.WebUserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, store.ErrNotFound) || err == nil && !u.HasPassword {
		// Hash anyway, so that an unknown e-mail takes as long as a known one.
		_ = bcrypt.CompareHashAndPassword(ui.dummyHash, []byte(password))
		return u, "", ErrBadLogin
	}
	if err != nil {
		return u, "", err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return u, "", ErrBadLogin
	}
	secret, hash := NewToken()
	if err := ui.st.WebSessionCreate(ctx, hash, u.ID, ui.now().Add(sessionTTL)); err != nil {
		return u, "", err
	}
	return u, secret, nil
}

// StartSession creates a session for the user and returns its cookie value;
// tests and the demo use it to sign a user in without a password.
func (ui *UI) StartSession(ctx context.Context, userID int64) (string, error) {
	secret, hash := NewToken()
	err := ui.st.WebSessionCreate(ctx, hash, userID, ui.now().Add(sessionTTL))
	return secret, err
}

func (ui *UI) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/",
		MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: ui.cfg.SecureCookies || r.TLS != nil})
}

type userKey struct{}

// authenticate finds the signed-in user: a Bearer token on the API, else the
// session cookie. A request without either goes on without a user.
func (ui *UI) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u store.User
		var err error
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			u, err = ui.st.WebAPITokenUser(r.Context(), HashToken(strings.TrimPrefix(auth, "Bearer ")))
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
			u, err = ui.st.WebSessionUser(r.Context(), HashToken(c.Value))
		} else {
			next.ServeHTTP(w, r)
			return
		}
		switch {
		case err == nil:
			r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		case !errors.Is(err, store.ErrNotFound):
			ui.logger.ErrorContext(r.Context(), "Authenticate", "err", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func userFrom(r *http.Request) (store.User, bool) {
	u, ok := r.Context().Value(userKey{}).(store.User)
	return u, ok
}

// scopeOf is what a user may see of the contacts: a manager their own,
// supervisors, operators and admins all, marketing none.
func scopeOf(u store.User) store.WebScope {
	switch u.Role {
	case store.RoleManager:
		return store.WebScope{OwnerID: u.ID}
	case store.RoleSupervisor, store.RoleOperator, store.RoleAdmin:
		return store.WebScope{All: true}
	}
	return store.WebScope{}
}

// loginLimiter limits sign-in attempts per client address and per e-mail.
type loginLimiter struct {
	mu       sync.Mutex // guards limiters
	limiters map[string]*rate.Limiter
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{limiters: map[string]*rate.Limiter{}}
}

// allow takes one attempt from the client's and the e-mail's budget.
func (l *loginLimiter) allow(r *http.Request, email string) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.limiters) > 10000 { // forget everyone rather than grow without bound
		clear(l.limiters)
	}
	ok := true
	for _, key := range []string{"ip:" + host, "email:" + strings.ToLower(strings.TrimSpace(email))} {
		lim := l.limiters[key]
		if lim == nil {
			lim = rate.NewLimiter(rate.Every(loginEvery), loginBurst)
			l.limiters[key] = lim
		}
		if !lim.Allow() {
			ok = false
		}
	}
	return ok
}

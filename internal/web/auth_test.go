package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
)

func TestLoginSetsASafeSessionCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client("")
	status, _, h := f.do(c, "POST", "/login", url.Values{"email": {"SUPERVISOR@example.com"},
		"password": {testPassword}, "next": {"/supervisor?sort=score"}}.Encode(),
		"application/x-www-form-urlencoded", nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/supervisor?sort=score", h.Get("Location"))
	cookie := h.Get("Set-Cookie")
	require.Contains(t, cookie, sessionCookie+"=")
	require.Contains(t, cookie, "HttpOnly")
	require.Contains(t, cookie, "SameSite=Lax")
	require.NotContains(t, cookie, "Secure") // plain HTTP and no https public URL

	status, _, _ = f.do(c, "GET", "/supervisor", "", "", nil)
	require.Equal(t, http.StatusOK, status)

	// The session is stored by hash only.
	var stored string
	require.NoError(t, f.st.Pool().QueryRow(f.ctx, `SELECT token_hash FROM sessions
		WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`, f.users["supervisor"].ID).Scan(&stored))
	require.NotContains(t, cookie, stored)

	status, _, _ = f.do(c, "POST", "/logout", "", "", nil)
	require.Equal(t, http.StatusSeeOther, status)
	status, _, h = f.do(c, "GET", "/supervisor", "", "", nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.True(t, strings.HasPrefix(h.Get("Location"), "/login"))

	audit, err := f.st.WebAuditList(f.ctx, store.AuditFilter{Action: "login"})
	require.NoError(t, err)
	require.Len(t, audit, 1)
	require.Equal(t, f.users["supervisor"].ID, audit[0].ActorID)
}

func TestSecureCookieBehindTLSConfig(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ui.cfg.SecureCookies = true
	status, _, h := f.post("", "/login", url.Values{"email": {"admin@example.com"},
		"password": {testPassword}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Contains(t, h.Get("Set-Cookie"), "Secure")
}

func TestLoginRefusesWrongPasswordAndSlowsDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := range loginBurst {
		status, body, _ := f.post("", "/login", url.Values{"email": {"admin@example.com"},
			"password": {"wrong password"}})
		require.Equal(t, http.StatusUnauthorized, status, "attempt %d", i+1)
		require.Contains(t, body, "Wrong e-mail or password.")
	}
	// Even the right password waits now.
	status, body, h := f.post("", "/login", url.Values{"email": {"admin@example.com"},
		"password": {testPassword}})
	require.Equal(t, http.StatusTooManyRequests, status)
	require.Contains(t, body, "Too many attempts")
	require.Equal(t, "60", h.Get("Retry-After"))

	failed, err := f.st.WebAuditList(f.ctx, store.AuditFilter{Action: "login.failed"})
	require.NoError(t, err)
	require.Len(t, failed, loginBurst)
}

func TestCrossOriginFormPostIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client("managerA")
	body := url.Values{"pick": {pickLeft}}.Encode()
	header := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	status, _, _ := f.do(c, "POST", "/flags/"+itoa(f.flagA)+"/pick", body,
		"application/x-www-form-urlencoded", header)
	require.Equal(t, http.StatusForbidden, status)
	_, err := f.st.WebContact(f.ctx, store.WebScope{All: true}, f.contactA)
	require.NoError(t, err, "the refused post changed nothing")

	// The same post from the app's own page goes through.
	header = http.Header{"Sec-Fetch-Site": {"same-origin"}}
	status, _, _ = f.do(c, "POST", "/flags/"+itoa(f.flagA)+"/pick", body,
		"application/x-www-form-urlencoded", header)
	require.Equal(t, http.StatusSeeOther, status)
	_, err = f.st.WebContact(f.ctx, store.WebScope{All: true}, f.contactA)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestBearerTokenOnTheAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client("")
	status, body, _ := f.do(c, "GET", "/api/v1/contacts/"+itoa(f.contactA), "", "",
		http.Header{"Authorization": {"Bearer " + f.tokens["operator"]}})
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `"first_name": "Ayşe"`)
	status, _, _ = f.do(c, "GET", "/api/v1/contacts", "", "",
		http.Header{"Authorization": {"Bearer not-a-token"}})
	require.Equal(t, http.StatusUnauthorized, status)

	// The API edits through the normalisers, as the pages do.
	status, body, _ = f.do(c, "PATCH", "/api/v1/contacts/"+itoa(f.contactA),
		`{"email": " AYSE@Example.com ", "phone": "0 (532) 111 22 33"}`, "application/json",
		http.Header{"Authorization": {"Bearer " + f.tokens["managerA"]}})
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"email": "ayse@example.com"`)
	require.Contains(t, body, `"phone": "+905321112233"`)
	require.Contains(t, body, `"open_flags": 0`)
	status, body, _ = f.do(c, "PATCH", "/api/v1/contacts/"+itoa(f.contactA), `{"email": "x@"}`,
		"application/json", http.Header{"Authorization": {"Bearer " + f.tokens["managerA"]}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, body, "Not a valid e-mail")
}

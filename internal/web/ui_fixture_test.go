package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// fakeOps stands in for the app's use-cases; Report is the store's report,
// as app.ManagersReport builds it.
type fakeOps struct {
	st    *store.Store
	mu    sync.Mutex // guards calls
	calls []string
}

func (f *fakeOps) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fakeOps) Launch(_ context.Context, slug string) error {
	f.record("launch " + slug)
	return nil
}

func (f *fakeOps) SetStatus(ctx context.Context, slug, status string) error {
	f.record(status + " " + slug)
	k, err := f.st.CampaignBySlug(ctx, slug)
	if err != nil {
		return err
	}
	return f.st.CampaignSetStatus(ctx, k.ID, status)
}

func (f *fakeOps) TestSend(_ context.Context, slug string, to store.User) error {
	f.record("test " + slug + " " + to.Role)
	return nil
}

func (f *fakeOps) Report(ctx context.Context, slug string) (report.Managers, error) {
	var r report.Managers
	k, err := f.st.LastCampaign(ctx)
	if err == nil {
		r.Campaign = &k
	} else if !errors.Is(err, store.ErrNotFound) {
		return r, err
	}
	r.Lines, err = f.st.ReportManagers(ctx, k.ID)
	return r, err
}

func (f *fakeOps) Import(_ context.Context, _, name string, dryRun bool) (ImportResult, error) {
	f.record("import " + name)
	return ImportResult{RowsIn: 2, Imported: 1, Rejected: 1,
		Rejects: []ImportReject{{Row: 2, Column: "Email", Reason: "no @"}}}, nil
}

// fixture is a web app over a fresh database: a user per role, two managers
// (A and B) with contacts and flags of their own.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	st       *store.Store
	ui       *UI
	ops      *fakeOps
	srv      *httptest.Server
	users    map[string]store.User // admin, marketing, supervisor, operator, managerA, managerB
	tokens   map[string]string
	contactA int64 // manager A's contact with an invalid e-mail
	flagA    int64 // its email_invalid flag
	contactB int64
}

const testPassword = "correct horse battery"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, _ := testenv.Store(t)
	ctx := context.Background()
	ops := &fakeOps{st: st}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ui, err := NewUI(st, ops, UIConfig{Campaigns: crier.Campaigns, BcryptCost: bcrypt.MinCost,
		Settings: []Setting{{Name: "CRIER_SMTP_URL", Status: "smtp://127.0.0.1:2525"}},
		Now:      func() time.Time { return now }}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	f := &fixture{t: t, ctx: ctx, st: st, ui: ui, ops: ops, users: map[string]store.User{},
		tokens: map[string]string{}}

	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	for _, m := range []struct{ key, name, email string }{
		{"managerA", "Zeynep Kılıç", "zeynep@example.com"},
		{"managerB", "Ali Veli", "ali@example.com"},
	} {
		_, err := st.ManagerEnsure(ctx, m.name, contact.FoldTR(m.name), m.email)
		require.NoError(t, err)
		f.addUser(m.key, store.RoleManager, m.email, m.name)
	}
	for _, role := range []string{store.RoleAdmin, store.RoleMarketing, store.RoleSupervisor,
		store.RoleOperator} {
		f.addUser(role, role, role+"@example.com", "Test "+role)
	}
	add := func(owner store.User, first, email, phone string) int64 {
		c := contact.Normalize(contact.Input{FirstName: first, LastName: "Test", Email: email,
			Phones: []contact.PhoneCell{{Column: "Mobile", Raw: phone}}, Owner: owner.Name},
			contact.Options{})
		id, _, err := st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
			OwnerID: owner.ID, Contact: c})
		require.NoError(t, err)
		return id
	}
	f.contactA = add(f.users["managerA"], "Ayşe", "ayse@@example", "0532 123 45 67")
	add(f.users["managerA"], "Mehmet", "mehmet@example.com", "0532 765 43 21")
	f.contactB = add(f.users["managerB"], "Can", "can@example", "0212 123 45 67")
	flags, err := st.WebContactFlags(ctx, store.WebScope{All: true}, f.contactA)
	require.NoError(t, err)
	require.Len(t, flags, 1)
	f.flagA = flags[0].ID

	mux := http.NewServeMux()
	ui.Register(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) addUser(key, role, email, name string) {
	u, token, err := CreateUser(f.ctx, f.st, UserAddParams{Email: email, Name: name, Role: role,
		Password: testPassword, BcryptCost: bcrypt.MinCost})
	require.NoError(f.t, err)
	f.users[key], f.tokens[key] = u, token
}

// client returns an HTTP client that does not follow redirects, signed in as
// the user of key ("" for nobody) with a session of its own.
func (f *fixture) client(key string) *http.Client {
	f.t.Helper()
	jar := &cookieJar{}
	if key != "" {
		secret, err := f.ui.StartSession(f.ctx, f.users[key].ID)
		require.NoError(f.t, err)
		jar.cookie = &http.Cookie{Name: sessionCookie, Value: secret}
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// cookieJar holds one session cookie.
type cookieJar struct{ cookie *http.Cookie }

func (j *cookieJar) SetCookies(_ *url.URL, cookies []*http.Cookie) {
	for _, c := range cookies {
		if c.Name == sessionCookie {
			j.cookie = c
		}
	}
}

func (j *cookieJar) Cookies(*url.URL) []*http.Cookie {
	if j.cookie == nil || j.cookie.MaxAge < 0 {
		return nil
	}
	return []*http.Cookie{j.cookie}
}

// do sends a request and returns the status and body.
func (f *fixture) do(c *http.Client, method, path, body, contentType string,
	header http.Header) (int, string, http.Header) {
	f.t.Helper()
	req, err := http.NewRequestWithContext(f.ctx, method, f.srv.URL+path, strings.NewReader(body))
	require.NoError(f.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(f.t, err)
	return resp.StatusCode, string(data), resp.Header
}

func (f *fixture) get(key, path string) (int, string) {
	status, body, _ := f.do(f.client(key), "GET", path, "", "", nil)
	return status, body
}

func (f *fixture) post(key, path string, form url.Values) (int, string, http.Header) {
	return f.do(f.client(key), "POST", path, form.Encode(), "application/x-www-form-urlencoded", nil)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

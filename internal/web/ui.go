package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

// Ops are the use-cases the web app runs through the rest of crier; the app
// package implements them with the same functions the CLI uses.
type Ops interface {
	// Launch plans and queues the campaign (app.Launch).
	Launch(ctx context.Context, slug string) error
	// SetStatus pauses, resumes or cancels a launched campaign.
	SetStatus(ctx context.Context, slug, status string) error
	// TestSend sends the campaign's messages to the user's own address.
	TestSend(ctx context.Context, slug string, to store.User) error
	// Report is the per-manager report of `crier report managers`.
	Report(ctx context.Context, slug string) (report.Managers, error)
	// Import reads a CRM export; with dryRun it only counts and rolls back.
	Import(ctx context.Context, path, name string, dryRun bool) (ImportResult, error)
}

// ImportResult is what an import did or, on a dry run, would do.
type ImportResult struct {
	RowsIn, Imported, Updated, Unchanged, Rejected int
	Rejects                                        []ImportReject
}

// ImportReject is one rejected row: where, and why in plain words.
type ImportReject struct {
	Row    int
	Column string
	Reason string
}

// Setting is one line of the admin's settings status: never the secret.
type Setting struct {
	Name   string // CRIER_SMTP_URL
	Status string // "set", "development default", the host
}

// UIConfig are the web app's settings.
type UIConfig struct {
	// Campaigns holds campaigns/ and templates/.
	Campaigns fs.FS
	// SecureCookies marks cookies Secure (the public URL is https); they are
	// also Secure on any request that came over TLS.
	SecureCookies bool
	Settings      []Setting
	// BcryptCost of new passwords; 0 means bcrypt.DefaultCost.
	BcryptCost int
	// DefaultRegion reads phone numbers typed without a country code.
	DefaultRegion string
	// Now is the clock; defaults to time.Now.
	Now func() time.Time
}

// UI is the web app: sign-in, the pages of each role and the JSON API.
type UI struct {
	st        *store.Store
	ops       Ops
	cfg       UIConfig
	logger    *slog.Logger
	pages     map[string]*template.Template
	limiter   *loginLimiter
	dummyHash []byte
	imports   *importStash
}

// NewUI parses the templates and returns the web app.
func NewUI(st *store.Store, ops Ops, cfg UIConfig, logger *slog.Logger) (*UI, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	return &UI{st: st, ops: ops, cfg: cfg, logger: logger, pages: pages,
		limiter: newLoginLimiter(), dummyHash: dummy, imports: newImportStash()}, nil
}

func (ui *UI) now() time.Time { return ui.cfg.Now() }

// Route is one entry of the route table: who may use it.
type Route struct {
	Method  string
	Pattern string
	// Roles may use the route; nil means anyone, signed in or not.
	Roles   []string
	API     bool
	handler func(w http.ResponseWriter, r *http.Request, u store.User)
}

var (
	all        = store.Roles
	editors    = []string{store.RoleManager, store.RoleOperator, store.RoleAdmin}
	readers    = []string{store.RoleManager, store.RoleOperator, store.RoleSupervisor, store.RoleAdmin}
	supervisor = []string{store.RoleSupervisor, store.RoleAdmin}
	marketing  = []string{store.RoleMarketing, store.RoleAdmin}
	operator   = []string{store.RoleOperator, store.RoleAdmin}
	admin      = []string{store.RoleAdmin}
	reporters  = []string{store.RoleSupervisor, store.RoleMarketing, store.RoleAdmin}
)

// Routes is the route table of the pages and the API.
func (ui *UI) Routes() []Route {
	return []Route{
		{"GET", "/login", nil, false, ui.loginPage},
		{"POST", "/login", nil, false, ui.loginPost},
		{"POST", "/logout", nil, false, ui.logout},
		{"GET", "/lang", nil, false, ui.setLang},
		{"GET", "/{$}", all, false, ui.home},

		{"GET", "/flags", editors, false, ui.flagsPage},
		{"POST", "/flags/{id}/fix", editors, false, ui.flagFix},
		{"POST", "/flags/{id}/pick", editors, false, ui.flagPick},
		{"POST", "/check", editors, false, ui.check},

		{"GET", "/supervisor", supervisor, false, ui.supervisorPage},
		{"GET", "/supervisor/export.csv", supervisor, false, ui.exportCSV},
		{"GET", "/supervisor/export.xlsx", supervisor, false, ui.exportXLSX},
		{"GET", "/supervisor/managers/{id}", supervisor, false, ui.managerFlagsPage},

		{"GET", "/campaigns", marketing, false, ui.campaignsPage},
		{"GET", "/campaigns/{slug}", marketing, false, ui.campaignPage},
		{"GET", "/campaigns/{slug}/progress", marketing, false, ui.campaignProgress},
		{"GET", "/campaigns/{slug}/preview", marketing, false, ui.campaignPreview},
		{"POST", "/campaigns/{slug}/{action}", marketing, false, ui.campaignAction},

		{"GET", "/contacts", readers, false, ui.contactsPage},
		{"GET", "/contacts/{id}", readers, false, ui.contactPage},
		{"POST", "/contacts/{id}", editors, false, ui.contactPost},
		{"GET", "/import", operator, false, ui.importPage},
		{"POST", "/import", operator, false, ui.importPreview},
		{"POST", "/import/commit", operator, false, ui.importCommit},

		{"GET", "/admin", admin, false, ui.adminPage},
		{"POST", "/admin/users", admin, false, ui.adminAddUser},
		{"POST", "/admin/users/{id}", admin, false, ui.adminEditUser},

		{"GET", "/api/v1/contacts", readers, true, ui.apiContacts},
		{"GET", "/api/v1/contacts/{id}", readers, true, ui.apiContact},
		{"PATCH", "/api/v1/contacts/{id}", editors, true, ui.apiContactPatch},
		{"GET", "/api/v1/flags", readers, true, ui.apiFlags},
		{"GET", "/api/v1/campaigns", marketing, true, ui.apiCampaigns},
		{"GET", "/api/v1/campaigns/{slug}", marketing, true, ui.apiCampaign},
		{"POST", "/api/v1/campaigns/{slug}/{action}", marketing, true, ui.apiCampaignAction},
		{"GET", "/api/v1/reports/managers", reporters, true, ui.apiReport},
	}
}

// Register adds the web app's routes to mux, behind sign-in and Go's
// cross-origin protection (form posts from another site are refused).
func (ui *UI) Register(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection()
	for _, rt := range ui.Routes() {
		h := ui.guard(rt)
		mux.Handle(rt.Method+" "+rt.Pattern, cop.Handler(ui.authenticate(h)))
	}
	mux.Handle("GET /static/", http.FileServerFS(staticFS()))
}

// guard answers 401/redirect to sign-in without a user and 403 for a role
// the route is not for.
func (ui *UI) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		u, ok := userFrom(r)
		if rt.Roles == nil {
			rt.handler(w, r, u)
			return
		}
		if !ok {
			if rt.API {
				writeJSONError(w, http.StatusUnauthorized, "sign in: send Authorization: Bearer TOKEN")
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if !slices.Contains(rt.Roles, u.Role) {
			if rt.API {
				writeJSONError(w, http.StatusForbidden, "your role may not do this")
				return
			}
			ui.errorPage(w, r, u, http.StatusForbidden)
			return
		}
		rt.handler(w, r, u)
	})
}

// fail answers an error: a missing or foreign record is 404, anything else
// is logged and answered 500 without its text.
func (ui *UI) fail(w http.ResponseWriter, r *http.Request, u store.User, err error) {
	status := http.StatusInternalServerError
	if errors.Is(err, store.ErrNotFound) {
		status = http.StatusNotFound
	} else {
		ui.logger.ErrorContext(r.Context(), "Web request failed", "path", r.URL.Path,
			"user_id", u.ID, "err", err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSONError(w, status, http.StatusText(status))
		return
	}
	ui.errorPage(w, r, u, status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client may be gone
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (ui *UI) home(w http.ResponseWriter, r *http.Request, u store.User) {
	http.Redirect(w, r, homeOf(u.Role), http.StatusSeeOther)
}

func homeOf(role string) string {
	switch role {
	case store.RoleManager:
		return "/flags"
	case store.RoleSupervisor:
		return "/supervisor"
	case store.RoleMarketing:
		return "/campaigns"
	case store.RoleOperator:
		return "/contacts"
	}
	return "/admin"
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
)

// requestSpec is how the matrix calls one route and what a role allowed on
// it gets back.
type requestSpec struct {
	path, body, contentType string
	allowed                 int
	// foreign says the path names manager A's data: manager B gets 404.
	foreign bool
}

// TestPermissionMatrix calls every route as every role and as nobody: a
// role the route is not for gets 403, nobody gets the sign-in page (401 on
// the API), and manager B asking for manager A's contact or flag gets 404.
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.st.CampaignLaunch(f.ctx, "spring-sale", "Spring", map[string]string{})
	require.NoError(t, err)

	form := "application/x-www-form-urlencoded"
	js := "application/json"
	flag := strconv.FormatInt(f.flagA, 10)
	ca := strconv.FormatInt(f.contactA, 10)
	sameContact := url.Values{"first_name": {"Ayşe"}, "last_name": {"Test"},
		"email": {"ayse@@example"}, "phone": {"+905321234567"}}.Encode()
	specs := map[string]requestSpec{
		"GET /login": {path: "/login", allowed: 200},
		"POST /login": {
			path:        "/login",
			body:        "email=x%40example.com&password=wrong",
			contentType: form,
			allowed:     401,
		},
		"POST /logout": {path: "/logout", allowed: 303},
		"GET /lang":    {path: "/lang?to=tr&back=/flags", allowed: 303},
		"GET /{$}":     {path: "/", allowed: 303},
		"GET /flags":   {path: "/flags", allowed: 200},
		"POST /flags/{id}/fix": {
			path:        "/flags/" + flag + "/fix",
			body:        "value=not+an+address",
			contentType: form,
			allowed:     422,
			foreign:     true,
		},
		"POST /flags/{id}/pick": {
			path:        "/flags/" + flag + "/pick",
			body:        "pick=bogus",
			contentType: form,
			allowed:     422,
			foreign:     true,
		},
		"POST /check": {
			path:        "/check",
			body:        "field=email&value=a%40b.com",
			contentType: form,
			allowed:     200,
		},
		"GET /supervisor":             {path: "/supervisor?sort=score&dir=desc", allowed: 200},
		"GET /supervisor/export.csv":  {path: "/supervisor/export.csv", allowed: 200},
		"GET /supervisor/export.xlsx": {path: "/supervisor/export.xlsx", allowed: 200},
		"GET /supervisor/managers/{id}": {path: "/supervisor/managers/" +
			strconv.FormatInt(f.users["managerA"].ID, 10), allowed: 200},
		"GET /campaigns":        {path: "/campaigns", allowed: 200},
		"GET /campaigns/{slug}": {path: "/campaigns/spring-sale", allowed: 200},
		"GET /campaigns/{slug}/progress": {
			path:    "/campaigns/spring-sale/progress",
			allowed: 200,
		},
		"GET /campaigns/{slug}/preview": {
			path:    "/campaigns/spring-sale/preview",
			allowed: 200,
		},
		"POST /campaigns/{slug}/{action}": {
			path:    "/campaigns/spring-sale/test",
			allowed: 303,
		},
		"GET /contacts": {path: "/contacts?q=test", allowed: 200},
		"GET /contacts/{id}": {
			path:    "/contacts/" + ca,
			allowed: 200,
			foreign: true,
		},
		"POST /contacts/{id}": {
			path:        "/contacts/" + ca,
			body:        sameContact,
			contentType: form,
			allowed:     303,
			foreign:     true,
		},
		"GET /import": {path: "/import", allowed: 200},
		"POST /import": {
			path:        "/import",
			body:        "x=1",
			contentType: form,
			allowed:     400,
		},
		"POST /import/commit": {
			path:        "/import/commit",
			body:        "key=nope",
			contentType: form,
			allowed:     410,
		},
		"GET /admin": {path: "/admin", allowed: 200},
		"POST /admin/users": {
			path:        "/admin/users",
			body:        "email=bad&role=admin",
			contentType: form,
			allowed:     422,
		},
		"POST /admin/users/{id}": {
			path:        "/admin/users/" + strconv.FormatInt(f.users["managerB"].ID, 10),
			body:        "action=bogus",
			contentType: form,
			allowed:     422,
		},
		"GET /api/v1/contacts": {path: "/api/v1/contacts", allowed: 200},
		"GET /api/v1/contacts/{id}": {
			path:    "/api/v1/contacts/" + ca,
			allowed: 200,
			foreign: true,
		},
		"PATCH /api/v1/contacts/{id}": {
			path:        "/api/v1/contacts/" + ca,
			body:        `{"company":""}`,
			contentType: js,
			allowed:     200,
			foreign:     true,
		},
		"GET /api/v1/flags":     {path: "/api/v1/flags", allowed: 200},
		"GET /api/v1/campaigns": {path: "/api/v1/campaigns", allowed: 200},
		"GET /api/v1/campaigns/{slug}": {
			path:    "/api/v1/campaigns/spring-sale",
			allowed: 200,
		},
		"POST /api/v1/campaigns/{slug}/{action}": {
			path:    "/api/v1/campaigns/spring-sale/test",
			allowed: 200,
		},
		"GET /api/v1/reports/managers": {path: "/api/v1/reports/managers", allowed: 200},
	}
	who := []string{"", "admin", "marketing", "supervisor", "operator", "managerA", "managerB"}
	checked := 0
	for _, rt := range f.ui.Routes() {
		key := rt.Method + " " + rt.Pattern
		spec, ok := specs[key]
		require.True(t, ok, "route %s has no line in the permission matrix", key)
		delete(specs, key)
		for _, w := range who {
			want := expected(rt, spec, w, f.users[w].Role)
			got := f.call(rt, spec, w)
			require.Equal(t, want, got, "%s as %q", key, orNobody(w))
			checked++
		}
	}
	require.Empty(t, specs, "matrix lines for routes that do not exist")
	require.Equal(t, len(f.ui.Routes())*len(who), checked)
}

func orNobody(w string) string {
	if w == "" {
		return "nobody"
	}
	return w
}

func expected(rt Route, spec requestSpec, who, role string) int {
	switch {
	case rt.Roles == nil:
		if who != "" && (rt.Pattern == "/login" && rt.Method == "GET") {
			return http.StatusSeeOther // a signed-in user goes home
		}
		return spec.allowed
	case who == "" && rt.API:
		return http.StatusUnauthorized
	case who == "":
		return http.StatusSeeOther // to the sign-in page
	case !slices.Contains(rt.Roles, role):
		return http.StatusForbidden
	case spec.foreign && who == "managerB":
		return http.StatusNotFound
	}
	return spec.allowed
}

// call makes the spec's request as who: a session cookie on pages, the API
// token on /api/v1.
func (f *fixture) call(rt Route, spec requestSpec, who string) int {
	f.t.Helper()
	header := http.Header{}
	c := f.client(who)
	if rt.API && who != "" {
		c = f.client("")
		header.Set("Authorization", "Bearer "+f.tokens[who])
	}
	status, body, resp := f.do(c, rt.Method, spec.path, spec.body, spec.contentType, header)
	if status == http.StatusSeeOther && who == "" && rt.Roles != nil {
		require.True(f.t, strings.HasPrefix(resp.Get("Location"), "/login?next="),
			"%s %s redirects nobody to %s", rt.Method, spec.path, resp.Get("Location"))
	}
	if status >= 500 {
		f.t.Fatalf("%s %s as %s: %d %s", rt.Method, spec.path, orNobody(who), status, body)
	}
	return status
}

// TestManagerSeesOnlyOwnContacts checks every list a manager can read.
func TestManagerSeesOnlyOwnContacts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, body := f.get("managerB", "/api/v1/flags")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, fmt.Sprintf(`"contact_id": %d,`, f.contactB))
	require.NotContains(t, body, fmt.Sprintf(`"contact_id": %d,`, f.contactA))
	for _, path := range []string{"/flags", "/contacts", "/contacts?q=test", "/api/v1/contacts"} {
		status, body := f.get("managerB", path)
		require.Equal(t, http.StatusOK, status, path)
		require.NotContains(t, body, "Ayşe", path)
		require.NotContains(t, body, "Mehmet", path)
		require.Contains(t, body, "Can", path)
	}
	status, body = f.get("managerA", "/flags")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, fmt.Sprintf(`id="flag-%d"`, f.flagA))
	require.NotContains(t, body, ">Can Test<")
	_, err := f.st.WebContact(f.ctx, scopeOf(f.users["marketing"]), f.contactA)
	require.ErrorIs(t, err, store.ErrNotFound) // marketing sees no contacts at all
}

package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/crier-dev/crier/internal/store"
)

//go:embed static
var staticFiles embed.FS

func staticFS() fs.FS { return staticFiles }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// view is what every page template gets: the user, the language, the page's
// own data, and a message after an action.
type view struct {
	User   store.User
	Lang   string
	Path   string
	Title  string
	Notice string
	Error  string
	Data   any
}

// Tr translates a message key into the page's language; args fill its %s/%d.
func (v view) Tr(key string, args ...any) string { return translate(v.Lang, key, args...) }

// Detail is a normaliser's or a bounce's plain-words detail in the page's
// language.
func (v view) Detail(s string) string { return translateDetail(v.Lang, s) }

// Date prints a moment in the page's language.
func (v view) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if v.Lang == "tr" {
		return t.Local().Format("02.01.2006 15:04")
	}
	return t.Local().Format("2 Jan 2006 15:04")
}

// Num prints a number with the language's decimal mark and one decimal.
func (v view) Num(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if v.Lang == "tr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Pct prints part/whole as a percentage in the page's language.
func (v view) Pct(part, whole int) string {
	if whole == 0 {
		return "–"
	}
	return v.Num(100*float64(part)/float64(whole)) + "%"
}

// Nav lists the pages the user's role may open.
func (v view) Nav() [][2]string {
	var out [][2]string
	add := func(href, key string, roles []string) {
		for _, r := range roles {
			if r == v.User.Role {
				out = append(out, [2]string{href, v.Tr(key)})
				return
			}
		}
	}
	add("/flags", "nav.flags", editors)
	add("/supervisor", "nav.supervisor", supervisor)
	add("/campaigns", "nav.campaigns", marketing)
	add("/contacts", "nav.contacts", readers)
	add("/import", "nav.import", operator)
	add("/admin", "nav.admin", admin)
	return out
}

var funcs = template.FuncMap{
	"width": func(part, whole int) string { // a bar's width in percent, for SVG and CSS
		if whole <= 0 {
			return "0"
		}
		return fmt.Sprintf("%.1f", math.Min(100, 100*float64(part)/float64(whole)))
	},
	"add":   func(a, b int) int { return a + b },
	"dict2": func(a, b any) []any { return []any{a, b} }, // two values for a partial
}

// parsePages parses every page template together with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue // the layout and partials (_*.html) go with every page
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html",
			"templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", base, err)
		}
		pages[strings.TrimSuffix(base, ".html")] = t
	}
	return pages, nil
}

// render writes a page; the page is rendered into a buffer first so that a
// template error never sends half a page.
func (ui *UI) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	v.Lang = langOf(r)
	v.Path = r.URL.RequestURI()
	if v.Notice == "" {
		v.Notice = noticeText(v.Lang, r.URL.Query().Get("done"))
	}
	t := ui.pages[page]
	var buf bytes.Buffer
	if t == nil {
		ui.logger.ErrorContext(r.Context(), "No such page template", "page", page)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		ui.logger.ErrorContext(r.Context(), "Render page", "page", page, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // the client may be gone
}

func (ui *UI) errorPage(w http.ResponseWriter, r *http.Request, u store.User, status int) {
	ui.render(w, r, status, "error", view{User: u, Title: "error.title",
		Data: fmt.Sprintf("error.%d", status)})
}

// noticeText is the message shown after a redirect with ?done=KEY.
func noticeText(lang, key string) string {
	if key == "" {
		return ""
	}
	msg := translate(lang, "done."+key)
	if msg == "done."+key {
		return ""
	}
	return msg
}

func (ui *UI) setLang(w http.ResponseWriter, r *http.Request, _ store.User) {
	lang := r.URL.Query().Get("to")
	if lang != "tr" {
		lang = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode, HttpOnly: true})
	back := r.URL.Query().Get("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// langOf is the page's language: the switch's cookie, else the browser's
// Accept-Language (Turkish when it comes before English), else English.
func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "tr" || c.Value == "en") {
		return c.Value
	}
	best, bestQ := "en", -1.0
	for i, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, q := strings.TrimSpace(part), 1.0
		if semi := strings.Index(tag, ";"); semi >= 0 {
			_, _ = fmt.Sscanf(strings.TrimSpace(tag[semi+1:]), "q=%g", &q) // no q: 1
			tag = tag[:semi]
		}
		q -= float64(i) / 1000 // earlier wins a tie
		base := strings.ToLower(strings.SplitN(tag, "-", 2)[0])
		if (base == "tr" || base == "en") && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

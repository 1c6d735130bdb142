package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/crier-dev/crier/internal/store"
)

type loginData struct {
	Email string
	Next  string
}

// safeNext keeps a redirect after sign-in on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

func (ui *UI) loginPage(w http.ResponseWriter, r *http.Request, u store.User) {
	if u.ID != 0 {
		http.Redirect(w, r, homeOf(u.Role), http.StatusSeeOther)
		return
	}
	ui.render(w, r, http.StatusOK, "login", view{Title: "login.title",
		Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (ui *UI) loginPost(w http.ResponseWriter, r *http.Request, _ store.User) {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	d := loginData{Email: email, Next: safeNext(r.PostFormValue("next"))}
	lang := langOf(r)
	if !ui.limiter.allow(r, email) {
		w.Header().Set("Retry-After", "60")
		ui.render(w, r, http.StatusTooManyRequests, "login", view{Title: "login.title",
			Error: translate(lang, "login.slow_down"), Data: d})
		return
	}
	u, secret, err := ui.login(r.Context(), email, password)
	if errors.Is(err, ErrBadLogin) {
		_ = ui.st.WebAudit(r.Context(), store.AuditEntry{ActorID: u.ID, Action: "login.failed",
			Entity: "user", EntityID: u.ID})
		ui.render(w, r, http.StatusUnauthorized, "login", view{Title: "login.title",
			Error: translate(lang, "login.bad"), Data: d})
		return
	}
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	if err := ui.st.WebAudit(r.Context(), store.AuditEntry{ActorID: u.ID, Action: "login",
		Entity: "user", EntityID: u.ID}); err != nil {
		ui.fail(w, r, u, err)
		return
	}
	ui.setSessionCookie(w, r, secret, int(sessionTTL.Seconds()))
	next := d.Next
	if next == "" {
		next = homeOf(u.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (ui *UI) logout(w http.ResponseWriter, r *http.Request, _ store.User) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := ui.st.WebSessionDelete(r.Context(), HashToken(c.Value)); err != nil {
			ui.logger.WarnContext(r.Context(), "End session", "err", err)
		}
	}
	ui.setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

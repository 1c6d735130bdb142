package web

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/crier-dev/crier/internal/store"
)

var unsubscribeTmpl = template.Must(template.New("u").Parse(`<!DOCTYPE html>
<html lang="tr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Abonelikten çık / Unsubscribe</title></head>
<body style="font-family: Arial, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem;">
{{if .Done}}
<h1>Aboneliğiniz sonlandı</h1>
<p>Bu adrese artık kampanya e-postası göndermeyeceğiz.</p>
<p lang="en">You are unsubscribed: we will not send campaign e-mail to this address again.</p>
{{else}}
<h1>Abonelikten çık</h1>
<p>Kampanya e-postalarımızı artık almak istemiyor musunuz?</p>
<p lang="en">Don't want our campaign e-mails any more?</p>
<form method="post"><button type="submit">Abonelikten çık / Unsubscribe</button></form>
{{end}}
</body></html>`))

// unsubscribePage asks for confirmation: a link scanner that follows the link
// must not unsubscribe anyone.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.cfg.Links.ParseToken(r.PathValue("token")); !ok {
		http.Error(w, "invalid link", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	unsubscribeTmpl.Execute(w, struct{ Done bool }{}) //nolint:errcheck // client may be gone
}

// unsubscribe withdraws consent: from the page's button or from a mail
// client's RFC 8058 one-click POST.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	id, ok := s.cfg.Links.ParseToken(r.PathValue("token"))
	if !ok {
		http.Error(w, "invalid link", http.StatusNotFound)
		return
	}
	err := s.store.ContactUnsubscribe(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "invalid link", http.StatusNotFound)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "Contact unsubscribed", "message_id", id)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	unsubscribeTmpl.Execute(w, struct{ Done bool }{true}) //nolint:errcheck // client may be gone
}

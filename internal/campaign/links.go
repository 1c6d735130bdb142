package campaign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/crier-dev/crier/internal/bounce"
)

// Links builds and checks the signed links crier puts into messages.
type Links struct {
	publicURL string
	key       []byte
	verp      *bounce.VERP // nil: no per-message return paths
}

// NewLinks returns a link builder for the public base URL, signing with key.
func NewLinks(publicURL string, key []byte) *Links {
	return &Links{publicURL: strings.TrimRight(publicURL, "/"), key: key}
}

// WithReturnPaths makes ReturnPath build per-message return paths with v
// (nil turns them off) and returns l.
func (l *Links) WithReturnPaths(v *bounce.VERP) *Links {
	l.verp = v
	return l
}

// ReturnPath returns the envelope sender of message id: its signed VERP
// address at the bounce domain, or "" (the sender's own address) when no
// bounce domain is configured.
func (l *Links) ReturnPath(messageID int64) string { return l.verp.ReturnPath(messageID) }

// Unsubscribe returns the unsubscribe link of a message.
func (l *Links) Unsubscribe(messageID int64) string {
	return l.publicURL + "/u/" + l.token(messageID)
}

// ListUnsubscribe returns the List-Unsubscribe headers of RFC 2369 and the
// one-click List-Unsubscribe-Post of RFC 8058.
func (l *Links) ListUnsubscribe(messageID int64) map[string]string {
	return map[string]string{
		"List-Unsubscribe":      "<" + l.Unsubscribe(messageID) + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
}

// token is "ID.SIGNATURE", the signature an HMAC of the ID.
func (l *Links) token(messageID int64) string {
	id := strconv.FormatInt(messageID, 10)
	return id + "." + l.sign(id)
}

func (l *Links) sign(id string) string {
	mac := hmac.New(sha256.New, l.key)
	mac.Write([]byte("unsubscribe:" + id))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// ParseToken checks an unsubscribe token and returns its message ID.
func (l *Links) ParseToken(token string) (int64, bool) {
	id, sig, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(l.sign(id))) {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil
}

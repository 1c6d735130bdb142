package bounce

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// VERP builds and reads per-message return paths (variable envelope return
// path): bounces+TOKEN@domain, where TOKEN names the message and carries an
// HMAC of it, so that a bounce mailed back to that address says which message
// bounced without trusting anything inside the bounce.
type VERP struct {
	domain string
	key    []byte
}

// verpPrefix is the local part before the token.
const verpPrefix = "bounces+"

// tokenEncoding is lower-case base32 without padding: local parts may be
// lower-cased by the servers a bounce passes through, so the token must
// survive that.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewVERP returns the return-path builder for domain, signing with key. A nil
// *VERP (no bounce domain configured) builds no return paths.
func NewVERP(domain string, key []byte) *VERP {
	if domain == "" {
		return nil
	}
	return &VERP{domain: strings.ToLower(domain), key: key}
}

// Domain is the bounce domain.
func (v *VERP) Domain() string { return v.domain }

// ReturnPath returns the envelope sender of message id: bounces+TOKEN@domain;
// "" when v is nil.
func (v *VERP) ReturnPath(messageID int64) string {
	if v == nil {
		return ""
	}
	id := strconv.FormatInt(messageID, 36)
	return verpPrefix + id + "-" + v.sign(id) + "@" + v.domain
}

// MessageID reads the message ID out of a return path built by ReturnPath. ok
// is false for any other address, a foreign domain or a token whose signature
// does not verify.
func (v *VERP) MessageID(address string) (id int64, ok bool) {
	if v == nil {
		return 0, false
	}
	address = strings.ToLower(strings.Trim(strings.TrimSpace(address), "<>"))
	local, domain, found := strings.Cut(address, "@")
	if !found || domain != v.domain || !strings.HasPrefix(local, verpPrefix) {
		return 0, false
	}
	idPart, sig, found := strings.Cut(strings.TrimPrefix(local, verpPrefix), "-")
	if !found || !hmac.Equal([]byte(sig), []byte(v.sign(idPart))) {
		return 0, false
	}
	n, err := strconv.ParseInt(idPart, 36, 64)
	return n, err == nil && n > 0
}

// sign is 80 bits of HMAC-SHA256 over the purpose and the ID: enough that a
// forged bounce cannot name a message it did not see.
func (v *VERP) sign(id string) string {
	mac := hmac.New(sha256.New, v.key)
	mac.Write([]byte("verp:" + id))
	return tokenEncoding.EncodeToString(mac.Sum(nil)[:10])
}

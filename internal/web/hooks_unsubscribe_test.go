package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/campaign"
)

func TestUnsubscribe(t *testing.T) {
	t.Parallel()
	h := setupHooks(t)
	link := campaign.NewLinks("http://crier.test", []byte("key")).Unsubscribe(h.messageID)
	path := strings.TrimPrefix(link, "http://crier.test")
	consent := func() bool {
		var ok bool
		require.NoError(t, h.st.Pool().QueryRow(h.ctx, `SELECT consent_email FROM contacts c
			JOIN messages m ON m.contact_id = c.id WHERE m.id = $1`, h.messageID).Scan(&ok))
		return ok
	}

	// A link scanner's GET shows the page in Turkish and English and
	// unsubscribes nobody.
	resp, err := http.Get(h.srv.URL + path)
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(page), "Abonelikten çık")
	require.Contains(t, string(page), "Unsubscribe")
	require.True(t, consent())

	resp, err = http.Post(h.srv.URL+path[:len(path)-2]+"xx", "application/x-www-form-urlencoded",
		strings.NewReader("List-Unsubscribe=One-Click"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "a tampered token")
	require.True(t, consent())

	// A mail client's RFC 8058 one-click POST withdraws the e-mail consent.
	resp, err = http.Post(h.srv.URL+path, "application/x-www-form-urlencoded",
		strings.NewReader("List-Unsubscribe=One-Click"))
	require.NoError(t, err)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(page), "Aboneliğiniz sonlandı")
	require.False(t, consent())
}

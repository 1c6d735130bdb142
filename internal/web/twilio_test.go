package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/devsink"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
	"github.com/crier-dev/crier/internal/web"
)

const token = "0123456789abcdef0123456789abcdef"

type bundle struct {
	ctx       context.Context
	st        *store.Store
	srv       *httptest.Server
	publicURL string
	messageID int64
	contactID int64
}

// setup stores one contact with one SMS handed to Twilio (SID SMtest) and
// serves the web handlers.
func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	owner, err := st.ManagerEnsure(ctx, "Emre Çetin", contact.FoldTR("Emre Çetin"), "")
	require.NoError(t, err)
	c := contact.Normalize(contact.Input{FirstName: "Ayşe", LastName: "Yılmaz",
		Phones: []contact.PhoneCell{{Raw: "0532 123 45 67"}}, Owner: "Emre Çetin"}, contact.Options{})
	contactID, _, err := st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
		OwnerID: owner, Contact: c})
	require.NoError(t, err)
	k, err := st.CampaignLaunch(ctx, "web", "Web", map[string]string{})
	require.NoError(t, err)
	_, err = st.MessagesPlan(ctx, k.ID, "sms", store.Audience{})
	require.NoError(t, err)
	var messageID int64
	require.NoError(t, st.Pool().QueryRow(ctx, `SELECT id FROM messages`).Scan(&messageID))
	_, err = st.MessageClaim(ctx, messageID)
	require.NoError(t, err)
	require.NoError(t, st.MessageSent(ctx, messageID, "SMtest"))

	b := &bundle{ctx: ctx, st: st, messageID: messageID, contactID: contactID}
	var handler http.Handler
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	b.publicURL = b.srv.URL
	links := campaign.NewLinks(b.publicURL, []byte("key"))
	handler = web.NewServer(st, web.Config{PublicURL: b.publicURL, TwilioAuthToken: token,
		Links: links}, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	return b
}

func (b *bundle) callback(t *testing.T, params url.Values, sign string) int {
	t.Helper()
	target := b.publicURL + "/webhooks/twilio/status?message_id=" + strconv.FormatInt(b.messageID, 10)
	req, err := http.NewRequest("POST", target, strings.NewReader(params.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", devsink.Sign(sign, target, params))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func (b *bundle) status(t *testing.T) string {
	t.Helper()
	var s string
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT status FROM messages WHERE id = $1`,
		b.messageID).Scan(&s))
	return s
}

func undelivered() url.Values {
	return url.Values{"MessageSid": {"SMtest"}, "MessageStatus": {"undelivered"},
		"ErrorCode": {"30003"}, "To": {"+905321234567"}}
}

func TestTwilioStatus(t *testing.T) {
	t.Parallel()

	t.Run("ForgedCallbackGets403AndChangesNothing", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.Equal(t, http.StatusForbidden, b.callback(t, undelivered(), "not-the-token"))
		require.Equal(t, "sent", b.status(t))
		var events, flags int
		require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT
			(SELECT count(*) FROM events), (SELECT count(*) FROM contact_flags
			WHERE kind = 'phone_undeliverable')`).Scan(&events, &flags))
		require.Zero(t, events)
		require.Zero(t, flags)
	})

	t.Run("TamperedParameterFailsTheSignature", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		target := b.publicURL + "/webhooks/twilio/status?message_id=" +
			strconv.FormatInt(b.messageID, 10)
		params := undelivered()
		sig := devsink.Sign(token, target, params)
		params.Set("ErrorCode", "30007")
		req, _ := http.NewRequest("POST", target, strings.NewReader(params.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		require.Equal(t, "sent", b.status(t))
	})

	t.Run("DeliveredMarksDelivered", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		params := url.Values{"MessageSid": {"SMtest"}, "MessageStatus": {"delivered"}}
		require.Equal(t, http.StatusNoContent, b.callback(t, params, token))
		require.Equal(t, "delivered", b.status(t))
	})

	t.Run("UndeliveredFlagsTheContactForItsOwner", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		require.Equal(t, http.StatusNoContent, b.callback(t, undelivered(), token))
		require.Equal(t, "bounced", b.status(t))
		var detail, phoneStatus string
		require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT f.detail, c.phone_status
			FROM contact_flags f JOIN contacts c ON c.id = f.contact_id
			WHERE f.kind = 'phone_undeliverable' AND f.resolved_at IS NULL`).
			Scan(&detail, &phoneStatus))
		require.Contains(t, detail, "unreachable")
		require.Equal(t, "undeliverable", phoneStatus)
		var suppressed int
		require.NoError(t, b.st.Pool().QueryRow(b.ctx,
			`SELECT count(*) FROM suppressions WHERE address = '+905321234567'`).Scan(&suppressed))
		require.Equal(t, 1, suppressed)
	})

	t.Run("CallbackForAnotherSIDIsRefused", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		params := undelivered()
		params.Set("MessageSid", "SMother")
		require.Equal(t, http.StatusConflict, b.callback(t, params, token))
		require.Equal(t, "sent", b.status(t))
	})
}

package feedback_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/feedback"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// sent stores a contact per address and an e-mail sent to each with no
// provider ID; it returns the message IDs.
func sent(t *testing.T, st *store.Store, addresses ...string) []int64 {
	t.Helper()
	ctx := context.Background()
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	owner, err := st.ManagerEnsure(ctx, "Ayla Demir", contact.FoldTR("Ayla Demir"), "")
	require.NoError(t, err)
	for _, a := range addresses {
		c := contact.Normalize(contact.Input{FirstName: "Selin", LastName: "Test", Email: a,
			Owner: "Ayla Demir"}, contact.Options{})
		_, _, err := st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
			OwnerID: owner, Contact: c})
		require.NoError(t, err)
	}
	k, err := st.CampaignLaunch(ctx, "route", "Route", map[string]string{})
	require.NoError(t, err)
	_, err = st.MessagesPlan(ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	ids := make([]int64, 0, len(addresses))
	for _, a := range addresses {
		var id int64
		require.NoError(t, st.Pool().QueryRow(ctx, `SELECT id FROM messages WHERE address = $1`, a).Scan(&id))
		_, err := st.MessageClaim(ctx, id)
		require.NoError(t, err)
		require.NoError(t, st.MessageSent(ctx, id, ""))
		ids = append(ids, id)
	}
	return ids
}

func TestRouterVERPNamesOneRecipientOfSeveral(t *testing.T) {
	t.Parallel()
	st, _ := testenv.Store(t)
	ids := sent(t, st, "selin@example.org", "murat.oz@example.org")
	verp := bounce.NewVERP("bounce.shop.example", []byte("k"))
	router := feedback.NewRouter(st, feedback.Config{VERP: verp}, slog.New(slog.DiscardHandler))
	data, err := os.ReadFile("../bounce/testdata/qmail_two_recipients.eml")
	require.NoError(t, err)

	// The qmail bounce reports on two recipients but reached the return path
	// of selin's message: selin's report goes to it through the VERP token.
	// Murat's names no message of ours; over SMTP, where anyone may write,
	// the recipient alone is no proof.
	results, err := router.HandleMail(t.Context(), feedback.Mail{Source: feedback.SourceSMTP,
		Recipients: []string{verp.ReturnPath(ids[0])}, Data: data})
	require.NoError(t, err)
	require.Len(t, results, 2)
	require.Equal(t, ids[0], results[0].MessageID)
	require.Equal(t, feedback.MatchedVERP, results[0].MatchedBy)
	require.Equal(t, "email_bounced", results[0].Applied.Flagged)
	require.Equal(t, "unmatched", results[1].Ignored)

	// The same mail from a mailbox the operator ingests: murat's report goes
	// to murat's message by recipient.
	results, err = router.HandleMail(t.Context(), feedback.Mail{Source: feedback.SourceFile,
		Recipients: []string{verp.ReturnPath(ids[0])}, Data: data})
	require.NoError(t, err)
	require.True(t, results[0].Applied.Duplicate, "selin's report was applied before")
	require.Equal(t, ids[1], results[1].MessageID)
	require.Equal(t, feedback.MatchedRecipient, results[1].MatchedBy)
	require.Equal(t, 1, results[1].Applied.SoftCount, "a full mailbox counts, flags nobody yet")
	require.Empty(t, results[1].Applied.Flagged)
}

func TestRouterLeavesStrangersAlone(t *testing.T) {
	t.Parallel()
	st, _ := testenv.Store(t)
	sent(t, st, "someone@example.com")
	now := time.Now()
	router := feedback.NewRouter(st, feedback.Config{Now: func() time.Time { return now }},
		slog.New(slog.DiscardHandler))
	data, err := os.ReadFile("../bounce/testdata/postfix_user_unknown.eml")
	require.NoError(t, err)
	results, err := router.HandleMail(t.Context(), feedback.Mail{Source: feedback.SourceFile, Data: data})
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Equal(t, "unmatched", results[0].Ignored, "a bounce for an address we never mailed")

	// A bounce for a recipient mailed long ago is not matched by recipient.
	later := feedback.NewRouter(st, feedback.Config{Now: func() time.Time { return now.Add(90 * 24 * time.Hour) }},
		slog.New(slog.DiscardHandler))
	rep := bounce.ProviderFailure("someone@example.com", true, "5.1.1", "user unknown")
	res, err := later.HandleEvent(t.Context(), feedback.Event{Provider: "test", Report: rep, Final: true,
		Payload: map[string]any{}, ID: "e1"})
	require.NoError(t, err)
	require.Equal(t, "unmatched", res.Ignored)
	res, err = router.HandleEvent(t.Context(), feedback.Event{Provider: "test", Report: rep, Final: true,
		Payload: map[string]any{}, ID: "e1"})
	require.NoError(t, err)
	require.Equal(t, feedback.MatchedRecipient, res.MatchedBy)
}

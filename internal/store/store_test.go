package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// bundle is a fresh database with one import and one manager.
type bundle struct {
	ctx      context.Context
	st       *store.Store
	importID int64
	manager  int64
}

func setup(t *testing.T) *bundle {
	t.Helper()
	st, _ := testenv.Store(t)
	ctx := context.Background()
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	manager, err := st.ManagerEnsure(ctx, "Zeynep Kılıç", contact.FoldTR("Zeynep Kılıç"),
		"zeynep@satis.example.com")
	require.NoError(t, err)
	return &bundle{ctx: ctx, st: st, importID: importID, manager: manager}
}

// addContact normalises and stores a contact owned by the bundle's manager.
func (b *bundle) addContact(t *testing.T, first, email, phone string) int64 {
	t.Helper()
	c := contact.Normalize(contact.Input{FirstName: first, LastName: "Test", Email: email,
		Phones: []contact.PhoneCell{{Column: "Mobile", Raw: phone}}, Owner: "Zeynep Kılıç"},
		contact.Options{})
	id, _, err := b.st.ContactUpsert(b.ctx, store.ContactUpsertParams{ImportID: b.importID,
		OwnerID: b.manager, Contact: c})
	require.NoError(t, err)
	return id
}

func (b *bundle) launch(t *testing.T, slug string) store.Campaign {
	t.Helper()
	k, err := b.st.CampaignLaunch(b.ctx, slug, "Test "+slug, map[string]string{"slug": slug})
	require.NoError(t, err)
	return k
}

// messageOf returns the ID and status of a contact's message on a channel.
func (b *bundle) messageOf(t *testing.T, campaignID, contactID int64, channel string) (int64, string, string) {
	t.Helper()
	var id int64
	var status, reason string
	err := b.st.Pool().QueryRow(b.ctx, `SELECT id, status, skip_reason FROM messages
		WHERE campaign_id = $1 AND contact_id = $2 AND channel = $3`,
		campaignID, contactID, channel).Scan(&id, &status, &reason)
	require.NoError(t, err)
	return id, status, reason
}

func (b *bundle) openFlags(t *testing.T, contactID int64) []string {
	t.Helper()
	rows, err := b.st.Pool().Query(b.ctx, `SELECT kind FROM contact_flags
		WHERE contact_id = $1 AND resolved_at IS NULL ORDER BY kind`, contactID)
	require.NoError(t, err)
	var kinds []string
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		kinds = append(kinds, k)
	}
	require.NoError(t, rows.Err())
	return kinds
}

func TestPoolSettingsInTheURLAreNotSentToTheServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, err := store.WithDatabase(testenv.ServerURL(), testenv.Name("crier_test_"))
	require.NoError(t, err)
	url += "&pool_max_conns=3"
	require.NoError(t, store.EnsureDatabase(ctx, url))
	testenv.DropOnCleanup(t, url)
	require.NoError(t, store.Migrate(ctx, url, "up", func(string) {}))
	st, err := store.Open(ctx, url)
	require.NoError(t, err)
	defer st.Close()
	require.EqualValues(t, 3, st.Pool().Config().MaxConns)
}

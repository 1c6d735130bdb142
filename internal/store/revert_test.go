package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
)

func TestImportRevert(t *testing.T) {
	t.Parallel()
	b := setup(t)
	kept := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")

	second, err := b.st.ImportBegin(b.ctx, store.ImportBeginParams{FileName: "2.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	upsert := func(first, email string) int64 {
		c := contact.Normalize(contact.Input{FirstName: first, LastName: "Test", Email: email,
			Owner: "Zeynep Kılıç"}, contact.Options{})
		id, _, err := b.st.ContactUpsert(b.ctx, store.ContactUpsertParams{ImportID: second,
			OwnerID: b.manager, Contact: c})
		require.NoError(t, err)
		return id
	}
	created := upsert("Mehmet", "mehmet@example.com")
	require.Equal(t, kept, upsert("Ayşegül", "ayse@example.com"))

	res, err := b.st.ImportRevert(b.ctx, second)
	require.NoError(t, err)
	require.Equal(t, store.RevertResult{Removed: 1, Restored: 1}, res)

	var first string
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT first_name FROM contacts
		WHERE id = $1`, kept).Scan(&first))
	require.Equal(t, "Ayşe", first, "the updated contact has its earlier name back")
	var deleted bool
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT deleted_at IS NOT NULL FROM contacts
		WHERE id = $1`, created).Scan(&deleted))
	require.True(t, deleted, "the created contact is gone")

	_, err = b.st.ImportRevert(b.ctx, second)
	require.ErrorIs(t, err, store.ErrReverted)
	_, err = b.st.ImportRevert(b.ctx, 999)
	require.ErrorIs(t, err, store.ErrNotFound)
}

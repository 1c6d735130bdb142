package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
)

func TestContactUpsertKeepsOwnerOfRowWithoutOne(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")

	later, err := b.st.ImportBegin(b.ctx, store.ImportBeginParams{FileName: "2.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	c := contact.Normalize(contact.Input{FirstName: "Ayşe", LastName: "Test",
		Email: "ayse@example.com"}, contact.Options{})
	require.Contains(t, c.Flags, contact.FlagOwnerMissing, "the row alone has no owner")
	got, result, err := b.st.ContactUpsert(b.ctx, store.ContactUpsertParams{ImportID: later,
		Contact: c})
	require.NoError(t, err)
	require.Equal(t, id, got)
	require.Equal(t, store.Unchanged, result, "the blank phone and owner change nothing")

	var owner int64
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT owner_id FROM contacts
		WHERE id = $1`, id).Scan(&owner))
	require.Equal(t, b.manager, owner)
	require.NotContains(t, b.openFlags(t, id), string(contact.FlagOwnerMissing))
	require.NotContains(t, b.openFlags(t, id), string(contact.FlagPhoneMissing),
		"a blank phone cell keeps the stored number")
	var phone string
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT phone_e164 FROM contacts
		WHERE id = $1`, id).Scan(&phone))
	require.Equal(t, "+905321234567", phone)
}

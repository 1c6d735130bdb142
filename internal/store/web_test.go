package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
)

// bounce sends the contact's e-mail of a new campaign and bounces it.
func (b *bundle) bounce(t *testing.T, slug string, contactID int64) {
	t.Helper()
	k := b.launch(t, slug)
	_, err := b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	id, _, _ := b.messageOf(t, k.ID, contactID, "email")
	_, err = b.st.MessageClaim(b.ctx, id)
	require.NoError(t, err)
	require.NoError(t, b.st.MessageBounced(b.ctx, store.BounceParams{MessageID: id,
		Status: "bounced", Code: "550 5.1.1", Suppress: true, Flag: "email_bounced",
		FlagDetail: "the mailbox does not exist", Source: "email"}))
}

func TestWebUsersSessionsTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)

	// The manager an import created by name gets the e-mail and the password.
	u, created, err := b.st.WebUserAdd(b.ctx, store.WebUserAddParams{
		Email: "Zeynep@Satis.example.com", Name: "Zeynep Kılıç",
		NameKey: contact.FoldTR("Zeynep Kılıç"), Role: store.RoleManager, PasswordHash: "h1"})
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, b.manager, u.ID)
	require.True(t, u.HasPassword)

	_, _, err = b.st.WebUserAdd(b.ctx, store.WebUserAddParams{Email: "zeynep@satis.example.com",
		Name: "Z", NameKey: "z", Role: store.RoleAdmin})
	require.ErrorIs(t, err, store.ErrUserConflict)

	admin, created, err := b.st.WebUserAdd(b.ctx, store.WebUserAddParams{Email: "root@example.com",
		Name: "Root", NameKey: "root", Role: store.RoleAdmin, PasswordHash: "h2"})
	require.NoError(t, err)
	require.True(t, created)

	got, err := b.st.WebUserByEmail(b.ctx, "ROOT@example.com")
	require.NoError(t, err)
	require.Equal(t, admin.ID, got.ID)
	_, err = b.st.WebUserByEmail(b.ctx, "nobody@example.com")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, b.st.WebSessionCreate(b.ctx, "live", admin.ID, time.Now().Add(time.Hour)))
	require.NoError(t, b.st.WebSessionCreate(b.ctx, "old", admin.ID, time.Now().Add(-time.Hour)))
	got, err = b.st.WebSessionUser(b.ctx, "live")
	require.NoError(t, err)
	require.Equal(t, admin.ID, got.ID)
	_, err = b.st.WebSessionUser(b.ctx, "old")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, b.st.WebSessionDelete(b.ctx, "live"))
	_, err = b.st.WebSessionUser(b.ctx, "live")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, b.st.WebAPITokenCreate(b.ctx, admin.ID, "tok", "cli"))
	got, err = b.st.WebAPITokenUser(b.ctx, "tok")
	require.NoError(t, err)
	require.Equal(t, admin.ID, got.ID)
	_, err = b.st.WebAPITokenUser(b.ctx, "other")
	require.ErrorIs(t, err, store.ErrNotFound)

	users, err := b.st.WebUsers(b.ctx)
	require.NoError(t, err)
	require.Len(t, users, 2)
	require.Equal(t, store.RoleAdmin, users[0].Role) // admins first
}

func TestWebScopeHidesOtherManagersContacts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine := b.addContact(t, "Ayşe", "not-an-address", "0532 123 45 67")
	other, err := b.st.ManagerEnsure(b.ctx, "Ali Veli", contact.FoldTR("Ali Veli"), "")
	require.NoError(t, err)
	own := store.WebScope{OwnerID: b.manager}
	otherScope := store.WebScope{OwnerID: other}

	_, err = b.st.WebContact(b.ctx, otherScope, mine)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = b.st.WebContact(b.ctx, store.WebScope{}, mine) // the zero scope sees nothing
	require.ErrorIs(t, err, store.ErrNotFound)
	c, err := b.st.WebContact(b.ctx, own, mine)
	require.NoError(t, err)
	require.Equal(t, "Ayşe", c.FirstName)

	list, total, err := b.st.WebContactSearch(b.ctx, otherScope, "", 10, 0)
	require.NoError(t, err)
	require.Empty(t, list)
	require.Zero(t, total)
	list, total, err = b.st.WebContactSearch(b.ctx, store.WebScope{All: true}, "ayş", 10, 0)
	require.NoError(t, err)
	require.Equal(t, 1, total)
	require.Equal(t, mine, list[0].ID)

	flags, err := b.st.WebFlagsOpen(b.ctx, own, store.FlagFilter{})
	require.NoError(t, err)
	require.Len(t, flags, 1)
	require.Equal(t, "email_invalid", flags[0].Kind)
	_, err = b.st.WebFlag(b.ctx, otherScope, flags[0].ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	none, err := b.st.WebFlagsOpen(b.ctx, otherScope, store.FlagFilter{})
	require.NoError(t, err)
	require.Empty(t, none)

	_, err = b.st.WebContactEdit(b.ctx, store.WebEdit{ActorID: other, Scope: otherScope,
		ContactID: mine, Names: &store.WebNames{FirstName: "X", LastName: "Y"}})
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, b.st.WebContactLeft(b.ctx, other, otherScope, mine), store.ErrNotFound)
}

func TestWebContactEditFixesAndAudits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	id := b.addContact(t, "Ayşe", "ayse@@example", "0532 123 45 67")
	require.Equal(t, []string{"email_invalid"}, b.openFlags(t, id))
	scope := store.WebScope{OwnerID: b.manager}

	fields, err := b.st.WebContactEdit(b.ctx, store.WebEdit{ActorID: b.manager, Scope: scope,
		ContactID: id, Email: &store.WebEmail{Raw: "ayse@example.com",
			Address: "ayse@example.com", Status: "valid"}})
	require.NoError(t, err)
	require.Equal(t, []string{"email", "email_raw", "email_status"}, fields)
	require.Empty(t, b.openFlags(t, id))

	audit, err := b.st.WebAuditList(b.ctx, store.AuditFilter{Entity: "contact", EntityID: id})
	require.NoError(t, err)
	require.Len(t, audit, 3)
	byField := map[string]store.AuditEntry{}
	for _, a := range audit {
		byField[a.Field] = a
	}
	require.Equal(t, "", byField["email"].Old)
	require.Equal(t, "ayse@example.com", byField["email"].New)
	require.Equal(t, "invalid", byField["email_status"].Old)
	require.Equal(t, "Zeynep Kılıç", byField["email"].ActorName)

	resolved, err := b.st.WebAuditList(b.ctx, store.AuditFilter{Action: "flag."})
	require.NoError(t, err)
	require.Len(t, resolved, 1)
	require.Equal(t, store.ResolutionFixed, resolved[0].New)

	// The same values again change nothing and audit nothing.
	fields, err = b.st.WebContactEdit(b.ctx, store.WebEdit{ActorID: b.manager, Scope: scope,
		ContactID: id, Email: &store.WebEmail{Raw: "ayse@example.com",
			Address: "ayse@example.com", Status: "valid"}})
	require.NoError(t, err)
	require.Empty(t, fields)

	// Clearing the phone opens phone_missing.
	_, err = b.st.WebContactEdit(b.ctx, store.WebEdit{ActorID: b.manager, Scope: scope,
		ContactID: id, Phone: &store.WebPhone{Type: "missing", Status: "missing"}})
	require.NoError(t, err)
	require.Equal(t, []string{"phone_missing"}, b.openFlags(t, id))
}

func TestWebQuickPicks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	scope := store.WebScope{OwnerID: b.manager}
	weekAgo := time.Now().Add(-7 * 24 * time.Hour)

	bounced := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
	b.bounce(t, "c1", bounced)
	flags, err := b.st.WebContactFlags(b.ctx, scope, bounced)
	require.NoError(t, err)
	require.Len(t, flags, 1)
	require.Equal(t, "550 5.1.1", flags[0].ErrorCode)
	require.Equal(t, "email", flags[0].Channel)

	// A suppressed address cannot be typed back in.
	_, err = b.st.WebContactEdit(b.ctx, store.WebEdit{ActorID: b.manager, Scope: scope,
		ContactID: bounced, Email: &store.WebEmail{Raw: "x", Address: "ayse@example.com",
			Status: "valid"}})
	require.ErrorIs(t, err, store.ErrSuppressed)

	before, err := b.st.WebWeekCounters(b.ctx, scope, weekAgo)
	require.NoError(t, err)
	require.Equal(t, store.WebWeek{New: 1, Open: 1}, before)

	require.NoError(t, b.st.WebNotABounce(b.ctx, b.manager, scope, flags[0].ID))
	c, err := b.st.WebContact(b.ctx, scope, bounced)
	require.NoError(t, err)
	require.Equal(t, "valid", c.EmailStatus)
	var suppressed int
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT count(*) FROM suppressions`).
		Scan(&suppressed))
	require.Zero(t, suppressed)
	err = b.st.WebNotABounce(b.ctx, b.manager, scope, flags[0].ID)
	require.ErrorIs(t, err, store.ErrNotFound) // closed already

	typo := b.addContact(t, "Ali", "", "0532 765 43 21")
	require.Equal(t, []string{"email_missing"}, b.openFlags(t, typo))
	tf, err := b.st.WebContactFlags(b.ctx, scope, typo)
	require.NoError(t, err)
	require.ErrorIs(t, b.st.WebNotABounce(b.ctx, b.manager, scope, tf[0].ID), store.ErrWrongFlag)
	require.NoError(t, b.st.WebNoEmail(b.ctx, b.manager, scope, typo))
	require.Empty(t, b.openFlags(t, typo))

	gone := b.addContact(t, "Veli", "bad@", "0532 111 22 33")
	require.NoError(t, b.st.WebContactLeft(b.ctx, b.manager, scope, gone))
	_, err = b.st.WebContact(b.ctx, scope, gone)
	require.ErrorIs(t, err, store.ErrNotFound)

	after, err := b.st.WebWeekCounters(b.ctx, scope, weekAgo)
	require.NoError(t, err)
	require.Equal(t, store.WebWeek{Fixed: 2, New: 3, Left: 1, Open: 0}, after)

	counts, err := b.st.WebFlagCounts(b.ctx, store.WebScope{All: true})
	require.NoError(t, err)
	require.Empty(t, counts)
}

func TestWebAudiencePreviewMatchesPlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
	b.addContact(t, "Ali", "", "0212 123 45 67") // no e-mail, a landline

	lines, err := b.st.WebAudiencePreview(b.ctx, []string{"email", "sms"}, store.Audience{})
	require.NoError(t, err)
	require.Len(t, lines, 1)
	require.Equal(t, "Zeynep Kılıç", lines[0].Name)
	require.Equal(t, store.AudienceCount{Send: 1, Skipped: 1}, lines[0].Channels["email"])
	require.Equal(t, store.AudienceCount{Send: 1, Skipped: 1}, lines[0].Channels["sms"])

	// The preview left nothing behind.
	all, err := b.st.WebCampaigns(b.ctx)
	require.NoError(t, err)
	require.Empty(t, all)
	var messages int
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT count(*) FROM messages`).Scan(&messages))
	require.Zero(t, messages)
}

package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
)

// sentMessage launches a campaign, plans the channel and claims and sends the
// contact's message; it returns the message ID.
func (b *bundle) sentMessage(t *testing.T, slug string, contactID int64, channel string) int64 {
	t.Helper()
	k := b.launch(t, slug)
	_, err := b.st.MessagesPlan(b.ctx, k.ID, channel, store.Audience{})
	require.NoError(t, err)
	id, _, _ := b.messageOf(t, k.ID, contactID, channel)
	_, err = b.st.MessageClaim(b.ctx, id)
	require.NoError(t, err)
	require.NoError(t, b.st.MessageSent(b.ctx, id, ""))
	return id
}

func (b *bundle) status(t *testing.T, messageID int64) string {
	t.Helper()
	var s string
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT status FROM messages WHERE id = $1`,
		messageID).Scan(&s))
	return s
}

func (b *bundle) suppressed(t *testing.T, channel, address string) bool {
	t.Helper()
	var n int
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT count(*) FROM suppressions
		WHERE channel = $1 AND address = $2`, channel, address).Scan(&n))
	return n > 0
}

func soft(id int64) store.BounceApplyParams {
	return store.BounceApplyParams{MessageID: id, Status: "failed", Code: "5.2.2",
		Evidence:  store.Evidence{Provider: "dsn", Kind: "soft", Payload: map[string]any{"n": id}},
		CountSoft: true, SoftReason: "mailbox_full", SoftLimit: 3, SoftWindow: 30 * 24 * time.Hour,
		SoftFlag: "email_bounced", SoftDetail: "the customer's mailbox is full; failed 3 times",
		Source: "dsn"}
}

func TestBounceApplySoftBounces(t *testing.T) {
	t.Parallel()

	t.Run("FlagAfterLimitNotBefore", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.addContact(t, "Ayşe", "dolu@example.com", "")
		for i, slug := range []string{"s1", "s2", "s3"} {
			id := b.sentMessage(t, slug, c, "email")
			res, err := b.st.BounceApply(b.ctx, soft(id))
			require.NoError(t, err)
			require.Equal(t, i+1, res.SoftCount)
			require.Equal(t, "failed", b.status(t, id))
			if i < 2 {
				require.Empty(t, res.Flagged, "soft bounce %d flags nobody", i+1)
				require.NotContains(t, b.openFlags(t, c), "email_bounced")
			}
		}
		require.Contains(t, b.openFlags(t, c), "email_bounced")
		require.False(t, b.suppressed(t, "email", "dolu@example.com"), "soft bounces never suppress")
	})

	t.Run("SameMessageCountsOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.addContact(t, "Ayşe", "dolu@example.com", "")
		id := b.sentMessage(t, "once", c, "email")
		for range 3 {
			p := soft(id)
			p.Evidence.Payload = map[string]any{"another": "delay notice"}
			res, err := b.st.BounceApply(b.ctx, p)
			require.NoError(t, err)
			require.Equal(t, 1, res.SoftCount)
		}
	})

	t.Run("GoodDeliveryResetsTheCount", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.addContact(t, "Ayşe", "dolu@example.com", "")
		for _, slug := range []string{"s1", "s2"} {
			_, err := b.st.BounceApply(b.ctx, soft(b.sentMessage(t, slug, c, "email")))
			require.NoError(t, err)
		}
		good := b.sentMessage(t, "good", c, "email")
		require.NoError(t, b.st.MessageDelivered(b.ctx, good))
		res, err := b.st.BounceApply(b.ctx, soft(b.sentMessage(t, "s3", c, "email")))
		require.NoError(t, err)
		require.Equal(t, 1, res.SoftCount, "the run starts over after a delivery")
		require.Empty(t, res.Flagged)
	})
}

func TestBounceApply(t *testing.T) {
	t.Parallel()

	t.Run("DuplicateEvidenceAppliesOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.addContact(t, "Ayşe", "yok@example.com", "")
		id := b.sentMessage(t, "dup", c, "email")
		p := store.BounceApplyParams{MessageID: id, Status: "bounced", Suppress: true,
			Flag: "email_bounced", FlagDetail: "the mailbox does not exist", Source: "dsn",
			Evidence: store.Evidence{Provider: "dsn", Kind: "hard", Digest: "d1",
				Payload: map[string]any{"raw": "..."}}}
		res, err := b.st.BounceApply(b.ctx, p)
		require.NoError(t, err)
		require.False(t, res.Duplicate)
		require.True(t, res.Suppressed)
		res, err = b.st.BounceApply(b.ctx, p)
		require.NoError(t, err)
		require.True(t, res.Duplicate)
		require.Equal(t, "bounced", b.status(t, id))
	})

	t.Run("LedgerDecidesTheStatus", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.addContact(t, "Ayşe", "yok@example.com", "")
		id := b.sentMessage(t, "ledger", c, "email")
		require.NoError(t, b.st.MessageDelivered(b.ctx, id))
		// A late bounce cannot move a delivered message back, but the address
		// is still suppressed.
		_, err := b.st.BounceApply(b.ctx, store.BounceApplyParams{MessageID: id, Status: "bounced",
			Suppress: true, Source: "dsn", Evidence: store.Evidence{Provider: "dsn", Kind: "hard",
				Payload: map[string]any{}}})
		require.NoError(t, err)
		require.Equal(t, "delivered", b.status(t, id))
		require.True(t, b.suppressed(t, "email", "yok@example.com"))
	})

	t.Run("OptOutWithdrawsConsentWithoutFlag", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		c := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
		id := b.sentMessage(t, "optout", c, "sms")
		before := b.openFlags(t, c)
		_, err := b.st.BounceApply(b.ctx, store.BounceApplyParams{MessageID: id,
			WithdrawConsent: true, Source: "sms_keyword", Evidence: store.Evidence{
				Provider: "twilio", Kind: "opt_out", Payload: map[string]any{}}})
		require.NoError(t, err)
		var email, sms bool
		var source string
		require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT consent_email, consent_sms,
			consent_source FROM contacts WHERE id = $1`, c).Scan(&email, &sms, &source))
		require.True(t, email, "opting out of SMS keeps e-mail")
		require.False(t, sms)
		require.Equal(t, "sms_keyword", source)
		require.Equal(t, before, b.openFlags(t, c), "an opt-out is no data-quality flag")
	})

	t.Run("UnknownMessage", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := b.st.BounceApply(b.ctx, store.BounceApplyParams{MessageID: 999,
			Evidence: store.Evidence{Provider: "dsn", Payload: map[string]any{}}})
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestFlagNotABounce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
	id := b.sentMessage(t, "undo", c, "sms")
	_, err := b.st.BounceApply(b.ctx, store.BounceApplyParams{MessageID: id, Status: "bounced",
		Suppress: true, Flag: "phone_undeliverable", FlagDetail: "the number does not exist",
		Source: "twilio", Evidence: store.Evidence{Provider: "twilio", Kind: "hard",
			Payload: map[string]any{"ErrorCode": "30005"}}})
	require.NoError(t, err)
	require.True(t, b.suppressed(t, "sms", "+905321234567"))
	flagID := func(kind string) int64 {
		var id int64
		require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT id FROM contact_flags
			WHERE contact_id = $1 AND kind = $2 AND resolved_at IS NULL`, c, kind).Scan(&id))
		return id
	}
	undeliverable := flagID("phone_undeliverable")

	other := store.WebScope{OwnerID: b.manager + 1000}
	err = b.st.FlagNotABounce(b.ctx, store.NotABounceParams{Scope: other, FlagID: undeliverable})
	require.ErrorIs(t, err, store.ErrNotFound, "another manager's flag")

	_, err = b.st.Pool().Exec(b.ctx, `INSERT INTO contact_flags (contact_id, kind, field, source)
		VALUES ($1, 'name_missing', 'name', 'import')`, c)
	require.NoError(t, err)
	err = b.st.FlagNotABounce(b.ctx, store.NotABounceParams{Scope: store.WebScope{All: true},
		FlagID: flagID("name_missing")})
	require.ErrorIs(t, err, store.ErrWrongFlag)

	mine := store.WebScope{OwnerID: b.manager}
	require.NoError(t, b.st.FlagNotABounce(b.ctx, store.NotABounceParams{Scope: mine,
		FlagID: undeliverable}))
	require.False(t, b.suppressed(t, "sms", "+905321234567"))
	require.NotContains(t, b.openFlags(t, c), "phone_undeliverable")
	var phoneStatus, resolution string
	var audits int
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT c.phone_status, f.resolution,
		(SELECT count(*) FROM audit_log WHERE action IN ('suppression.lift', 'flag.resolve',
			'contact.update'))
		FROM contacts c JOIN contact_flags f ON f.contact_id = c.id
		WHERE f.id = $1`, undeliverable).Scan(&phoneStatus, &resolution, &audits))
	require.Equal(t, "valid", phoneStatus)
	require.Equal(t, store.ResolutionNotABounce, resolution)
	require.Equal(t, 3, audits, "the lift, the status and the flag are audited")

	err = b.st.FlagNotABounce(b.ctx, store.NotABounceParams{Scope: mine, FlagID: undeliverable})
	require.ErrorIs(t, err, store.ErrNotFound, "a closed flag cannot be undone twice")
}

func TestMessageCounts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.addContact(t, "Ayşe", "yok@example.com", "0212 555 12 34")
	id := b.sentMessage(t, "counts", c, "email")
	_, err := b.st.BounceApply(b.ctx, store.BounceApplyParams{MessageID: id, Status: "bounced",
		Code: "5.1.1", Source: "dsn", Evidence: store.Evidence{Provider: "dsn", Kind: "hard",
			Payload: map[string]any{}}})
	require.NoError(t, err)
	counts, err := b.st.MessageCounts(b.ctx)
	require.NoError(t, err)
	require.Contains(t, counts, store.MessageCount{Channel: "email", Status: "bounced",
		Reason: "5.1.1", Count: 1})
	k := b.launch(t, "counts-sms")
	_, err = b.st.MessagesPlan(b.ctx, k.ID, "sms", store.Audience{})
	require.NoError(t, err)
	counts, err = b.st.MessageCounts(b.ctx)
	require.NoError(t, err)
	require.Contains(t, counts, store.MessageCount{Channel: "sms", Status: "skipped",
		Reason: "not_mobile", Count: 1})
}

// A message left unknown by a crash mid-send is settled by its bounce: the
// bounce stream is how SMTP sends are reconciled.
func TestBounceApplySettlesUnknown(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.addContact(t, "Ayşe", "yok@example.com", "")
	k := b.launch(t, "unknown")
	_, err := b.st.MessagesPlan(b.ctx, k.ID, "email", store.Audience{})
	require.NoError(t, err)
	id, _, _ := b.messageOf(t, k.ID, c, "email")
	_, err = b.st.MessageClaim(b.ctx, id)
	require.NoError(t, err)
	require.NoError(t, b.st.MessageUnknown(b.ctx, id, "connection dropped after DATA"))
	_, err = b.st.BounceApply(b.ctx, store.BounceApplyParams{MessageID: id, Status: "bounced",
		Suppress: true, Flag: "email_bounced", FlagDetail: "the mailbox does not exist",
		Source: "dsn", Evidence: store.Evidence{Provider: "dsn", Kind: "hard", Payload: map[string]any{}}})
	require.NoError(t, err)
	require.Equal(t, "bounced", b.status(t, id))
	require.Contains(t, b.openFlags(t, c), "email_bounced")
}

func TestMessageBouncedWithdrawsConsent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.addContact(t, "Ayşe", "ayse@example.com", "0532 123 45 67")
	k := b.launch(t, "stopped")
	_, err := b.st.MessagesPlan(b.ctx, k.ID, "sms", store.Audience{})
	require.NoError(t, err)
	id, _, _ := b.messageOf(t, k.ID, c, "sms")
	_, err = b.st.MessageClaim(b.ctx, id)
	require.NoError(t, err)
	require.NoError(t, b.st.MessageBounced(b.ctx, store.BounceParams{MessageID: id, Status: "failed",
		Code: "21610", Source: "sms", WithdrawConsent: true}))
	var consent bool
	require.NoError(t, b.st.Pool().QueryRow(b.ctx, `SELECT consent_sms FROM contacts WHERE id = $1`,
		c).Scan(&consent))
	require.False(t, consent)
	require.False(t, b.suppressed(t, "sms", "+905321234567"))
}

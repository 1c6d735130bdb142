package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Errors MessageClaim returns when a message must not be sent now.
var (
	// ErrAlreadyHandled: the message was sent, bounced, skipped or cancelled
	// before; a task that runs twice ends here.
	ErrAlreadyHandled = errors.New("store: message already handled")
	// ErrInterrupted: a worker claimed the message and stopped before recording
	// the result. The message may have reached the provider, so it is recorded
	// as unknown and never resent blindly.
	ErrInterrupted = errors.New("store: message interrupted mid-send; recorded as unknown")
	// ErrNotRunning: the campaign is paused or cancelled; the message went back
	// to pending (paused) or was cancelled.
	ErrNotRunning = errors.New("store: campaign not running")
	// ErrSuppressed: the address was suppressed after planning; the message is
	// skipped.
	ErrSuppressed = errors.New("store: address suppressed")
)

// MessageToSend is a claimed message with what rendering needs.
type MessageToSend struct {
	ID           int64
	CampaignID   int64
	CampaignSlug string
	ContactID    int64
	Channel      string
	Address      string
	Attempts     int
	FirstName    string
	LastName     string
	Company      string
	OwnerName    string
	OwnerEmail   string
}

// MessageClaim moves a pending or queued message of a running campaign to
// sending and returns it. Only one claim of a message can ever succeed; every
// other call gets one of the errors above, which is how a task that runs twice
// is kept from sending twice.
func (s *Store) MessageClaim(ctx context.Context, id int64) (MessageToSend, error) {
	const tries = 3
	for try := 1; ; try++ {
		m, err := s.claimOnce(ctx, id)
		if !errors.Is(err, errClaimAgain) {
			return m, err
		}
		if try == tries {
			// Not one of the errors above: the caller retries later, and the
			// message keeps its place in the queue.
			return m, fmt.Errorf("claim message %d: its campaign kept changing status", id)
		}
	}
}

// errClaimAgain: the claim found nothing, yet the message is claimable now —
// its campaign was paused and resumed in between.
var errClaimAgain = errors.New("store: message claimable again")

// claimOnce makes one claim of message id.
// claimSQL claims the messages whose m.id matches idMatch — pending or
// queued, of a running campaign, not suppressed — and selects what sending
// them needs. It follows WITH, or other named statements.
func claimSQL(idMatch string) string {
	return `claimed AS (
			UPDATE messages m SET status = 'sending', attempts = attempts + 1
			FROM campaigns k
			WHERE ` + idMatch + ` AND k.id = m.campaign_id AND k.status = 'running'
				AND m.status IN ('pending', 'queued')
				AND NOT EXISTS (SELECT 1 FROM suppressions x
					WHERE x.channel = m.channel AND x.address = m.address)
			RETURNING m.id, m.campaign_id, k.slug, m.contact_id, m.channel, m.address,
				m.attempts, m.owner_id)
		SELECT cl.id, cl.campaign_id, cl.slug, cl.contact_id, cl.channel, cl.address,
			cl.attempts, c.first_name, c.last_name, c.company,
			COALESCE(u.name, ''), COALESCE(u.email, '')
		FROM claimed cl JOIN contacts c ON c.id = cl.contact_id
		LEFT JOIN users u ON u.id = cl.owner_id`
}

func (s *Store) claimOnce(ctx context.Context, id int64) (MessageToSend, error) {
	var m MessageToSend
	err := s.db.QueryRow(ctx, "WITH "+claimSQL("m.id = $1"), id).
		Scan(&m.ID, &m.CampaignID, &m.CampaignSlug, &m.ContactID, &m.Channel, &m.Address,
			&m.Attempts, &m.FirstName, &m.LastName, &m.Company, &m.OwnerName, &m.OwnerEmail)
	if err == nil {
		return m, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return m, fmt.Errorf("claim message %d: %w", id, err)
	}
	return m, s.claimRefused(ctx, id)
}

// claimRefused finds out why a claim found nothing and settles the row.
func (s *Store) claimRefused(ctx context.Context, id int64) error {
	var status, campaignStatus string
	var suppressed bool
	err := s.db.QueryRow(ctx, `
		SELECT m.status, k.status, EXISTS (SELECT 1 FROM suppressions x
			WHERE x.channel = m.channel AND x.address = m.address)
		FROM messages m JOIN campaigns k ON k.id = m.campaign_id WHERE m.id = $1`, id).
		Scan(&status, &campaignStatus, &suppressed)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("look up message %d: %w", id, err)
	}
	switch {
	case status == "sending":
		return s.messageSet(ctx, id, "unknown", setParams{
			from: []string{"sending"}, detail: "worker stopped before the result was recorded",
		}, ErrInterrupted)
	case status != "pending" && status != "queued":
		return ErrAlreadyHandled
	case campaignStatus == "paused":
		// "pending" too, though it changes nothing: a relay may be marking
		// the message queued right now, its task being this one. Updating
		// waits for that relay's commit, so the message ends pending, not
		// queued with its task gone.
		return s.messageSet(ctx, id, "pending", setParams{from: []string{"queued", "pending"}},
			ErrNotRunning)
	case campaignStatus != "running":
		return s.messageSet(ctx, id, "cancelled", setParams{from: []string{"pending", "queued"}},
			ErrNotRunning)
	case suppressed:
		return s.messageSetSkipped(ctx, id, "suppressed")
	}
	// Pending or queued, campaign running, address not suppressed: the
	// campaign was paused when the claim looked and running again now. Giving
	// up here would end the task and leave the message queued with none.
	return errClaimAgain
}

type setParams struct {
	from       []string
	providerID string
	code       string
	detail     string
}

// messageSet moves a message from one of p.from to status and returns then.
func (s *Store) messageSet(ctx context.Context, id int64, status string, p setParams, then error) error {
	_, err := s.db.Exec(ctx, `
		UPDATE messages SET status = $2,
			provider_id = CASE WHEN $4 = '' THEN provider_id ELSE $4 END,
			error_code = $5, error_detail = $6,
			sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END
		WHERE id = $1 AND status = ANY($3)`, id, status, p.from, p.providerID, p.code, p.detail)
	if err != nil {
		return fmt.Errorf("set message %d %s: %w", id, status, err)
	}
	return then
}

func (s *Store) messageSetSkipped(ctx context.Context, id int64, reason string) error {
	_, err := s.db.Exec(ctx, `UPDATE messages SET status = 'skipped', skip_reason = $2
		WHERE id = $1 AND status IN ('pending', 'queued')`, id, reason)
	if err != nil {
		return fmt.Errorf("skip message %d: %w", id, err)
	}
	return ErrSuppressed
}

// MessageSent records that the provider accepted the message. A status
// callback can outrun this record (the message is delivered or bounced
// already); then only the provider's ID and the time are filled in, for they
// are the message's link to the provider.
func (s *Store) MessageSent(ctx context.Context, id int64, providerID string) error {
	_, err := s.db.Exec(ctx, `
		UPDATE messages SET provider_id = CASE WHEN $2 = '' THEN provider_id ELSE $2 END,
			sent_at = COALESCE(sent_at, now()),
			status = CASE WHEN status IN ('sending', 'unknown') THEN 'sent' ELSE status END,
			error_code = CASE WHEN status IN ('sending', 'unknown') THEN '' ELSE error_code END,
			error_detail = CASE WHEN status IN ('sending', 'unknown') THEN '' ELSE error_detail END
		WHERE id = $1 AND (status IN ('sending', 'unknown')
			OR (status IN ('delivered', 'bounced', 'failed') AND sent_at IS NULL))`,
		id, providerID)
	if err != nil {
		return fmt.Errorf("set message %d sent: %w", id, err)
	}
	return nil
}

// MessageRetry puts a message the provider refused for now back in the queue.
func (s *Store) MessageRetry(ctx context.Context, id int64, code, detail string) error {
	return s.messageSet(ctx, id, "queued",
		setParams{from: []string{"sending"}, code: code, detail: detail}, nil)
}

// MessageFailed records a message that will not be sent, with the last reason.
func (s *Store) MessageFailed(ctx context.Context, id int64, code, detail string) error {
	return s.messageSet(ctx, id, "failed",
		setParams{from: []string{"sending", "sent", "unknown"}, code: code, detail: detail}, nil)
}

// MessageUnknown records a message that may or may not have reached the
// provider. It is never resent blindly.
func (s *Store) MessageUnknown(ctx context.Context, id int64, detail string) error {
	return s.messageSet(ctx, id, "unknown", setParams{from: []string{"sending"}, detail: detail}, nil)
}

// MessageDelivered records a delivery receipt.
func (s *Store) MessageDelivered(ctx context.Context, id int64) error {
	return s.messageSet(ctx, id, "delivered",
		setParams{from: []string{"sending", "sent", "unknown"}}, nil)
}

// MessageByProviderID finds a message by the provider's ID for it.
func (s *Store) MessageByProviderID(ctx context.Context, providerID string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM messages WHERE provider_id = $1`, providerID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("message with provider ID: %w", ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find message by provider ID: %w", err)
	}
	return id, nil
}

// EventRecord keeps a provider's raw event (a callback, a DSN) as evidence.
func (s *Store) EventRecord(ctx context.Context, provider, kind string, messageID int64, payload any) error {
	_, err := s.db.Exec(ctx, `INSERT INTO events (provider, kind, message_id, payload)
		VALUES ($1, $2, NULLIF($3, 0), $4)`, provider, kind, messageID, payload)
	if err != nil {
		return fmt.Errorf("record %s event: %w", provider, err)
	}
	return nil
}

// MessageProviderID returns the provider's ID recorded for a message, "" when
// none was recorded yet.
func (s *Store) MessageProviderID(ctx context.Context, id int64) (string, error) {
	var providerID string
	err := s.db.QueryRow(ctx, `SELECT provider_id FROM messages WHERE id = $1`, id).Scan(&providerID)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("look up message %d: %w", id, err)
	}
	return providerID, nil
}

// ContactUnsubscribe withdraws the e-mail consent of the contact a message
// went to, recording where the withdrawal came from.
func (s *Store) ContactUnsubscribe(ctx context.Context, messageID int64) error {
	tag, err := s.db.Exec(ctx, `
		UPDATE contacts SET consent_email = false, consent_source = 'unsubscribe_link',
			consent_at = now(), updated_at = now()
		WHERE id = (SELECT contact_id FROM messages WHERE id = $1)`, messageID)
	if err != nil {
		return fmt.Errorf("unsubscribe via message %d: %w", messageID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("message %d: %w", messageID, ErrNotFound)
	}
	return nil
}

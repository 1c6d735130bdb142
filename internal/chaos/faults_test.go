package chaos_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFlakyProviders runs a campaign against stand-ins that answer 421/451 to
// some SMTP commands, drop connections (also mid-DATA, and after a mail was
// taken but before its 250), and answer Twilio requests with 429 plus
// Retry-After or 500. Every message ends delivered, sent, bounced or failed
// with a reason; a mail whose answer was lost ends unknown and is never sent
// again; nobody receives anything twice.
//
// Twilio fails a fifth of the requests, most with a 500: a 429 holds SMS on
// every worker for its Retry-After (a second at least), as Twilio asks, so a
// 429 on every eighth request would hold SMS most of the time. SMTP fails
// fewer than "a fifth of commands": a mail takes three faultable commands, a
// 421/451 holds e-mail on every worker for a moment, and retries back off
// exponentially from about 2s, so at a fifth per command the unlucky tail of
// a thousand mails (half of all attempts failing) would need many minutes.
func TestFlakyProviders(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	rnd := testRand(t)
	faults := fmt.Sprintf("smtp-temp-fail=0.05,smtp-drop=0.02,smtp-lost-reply=0.01,"+
		"twilio-429=0.03,twilio-500=0.17,retry-after=1s,seed=%d", 1+rnd.Uint64()>>1)
	r := newRig(t, ctx, rigOptions{faults: faults})
	r.launch()
	r.startWorker()
	r.startWorker()

	r.waitSettled(3 * time.Minute)
	res := r.verify("sent", "delivered", "bounced", "failed", "unknown")
	st := r.stats()

	retried, unknownSMS := 0, 0
	for _, m := range r.ledger() {
		if m.Attempts > 1 && (m.Status == "sent" || m.Status == "delivered") {
			retried++
		}
		if m.Channel == "sms" && m.Status == "unknown" {
			unknownSMS++
		}
	}
	t.Logf("%d messages delivered after a retry; %d unknown (%d mid-DATA drops, %d lost replies)",
		retried, res.unknown, st.Faults.SMTPDropData, st.Faults.SMTPLostReply)
	require.Positive(t, st.Faults.SMTPTempFail+st.Faults.SMTPDrop, "the SMTP faults were injected")
	require.Positive(t, st.Faults.TwilioTooMany+st.Faults.TwilioServer,
		"the Twilio faults were injected")
	require.Positive(t, retried, "temporary failures are retried, not failed")
	require.Zero(t, unknownSMS, "a refused API call is no doubt: Twilio said no")
	require.LessOrEqual(t, int64(res.unknown), st.Faults.SMTPDropData+st.Faults.SMTPLostReply,
		"only a mail cut off during or after its content may end unknown")
}

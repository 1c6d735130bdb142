// Package delivery holds crier's channel senders: e-mail over SMTP (via
// github.com/wneessen/go-mail) and SMS over the Twilio REST API (via
// github.com/twilio/twilio-go).
//
// A sender takes one already rendered message and hands it to the provider. It
// never retries on its own: every failure comes back as an *Error whose Kind
// tells the caller what it may do next (bounce the address, retry later, hold
// the message for reconciliation because it may have gone out, or stop and fix
// the configuration).
//
// Contact data (addresses, numbers, bodies) never appears in Error.Error() or in
// the logs of this package; only message IDs, provider IDs and reply codes do.
package delivery

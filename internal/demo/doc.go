// Package demo generates the data behind `crier demo`: a deterministic, realistic
// and deliberately messy CRM contacts export in HubSpot's CSV layout, the roster of
// sales managers who own those contacts, and the delivery scenario the local SMTP and
// Twilio stand-ins play out (which mailboxes bounce, which numbers fail).
//
// All names, companies, addresses and numbers are fictional. Mobile numbers use
// subscriber numbers that begin with 0, which no real Turkish line has, and
// landlines use 555 exchanges.
package demo

// Package devsink stands in for the outside world during development and
// tests: an SMTP server that accepts (or bounces) mail and keeps it in memory,
// and a fake of Twilio's Messages API that accepts (or rejects) SMS and posts
// signed status callbacks the way Twilio does. With it the whole send loop runs
// on one machine with no accounts.
//
// The sink never logs addresses, numbers or bodies; it logs message SIDs,
// Message-IDs and counts.
package devsink

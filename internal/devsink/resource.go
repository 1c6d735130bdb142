package devsink

import (
	"strconv"
	"time"
	"unicode/utf16"
)

// messageResource is Twilio's Message resource JSON (the fields crier and
// twilio-go read, plus the usual neighbours).
type messageResource struct {
	AccountSID          string            `json:"account_sid"`
	APIVersion          string            `json:"api_version"`
	Body                string            `json:"body"`
	DateCreated         string            `json:"date_created"`
	DateSent            *string           `json:"date_sent"`
	DateUpdated         string            `json:"date_updated"`
	Direction           string            `json:"direction"`
	ErrorCode           *int              `json:"error_code"`
	ErrorMessage        *string           `json:"error_message"`
	From                *string           `json:"from"`
	MessagingServiceSID *string           `json:"messaging_service_sid"`
	NumMedia            string            `json:"num_media"`
	NumSegments         string            `json:"num_segments"`
	Price               *string           `json:"price"`
	PriceUnit           string            `json:"price_unit"`
	SID                 string            `json:"sid"`
	Status              string            `json:"status"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
	To                  string            `json:"to"`
	URI                 string            `json:"uri"`
}

// resource renders rec as the API returns it.
func (s *Sink) resource(rec ReceivedSMS) messageResource {
	base := "/" + apiVersion + "/Accounts/" + s.cfg.AccountSID + "/Messages/" + rec.SID
	created := rec.DateCreated.Format(time.RFC1123Z)
	m := messageResource{
		AccountSID: s.cfg.AccountSID, APIVersion: apiVersion, Body: rec.Body,
		DateCreated: created, DateUpdated: time.Now().UTC().Format(time.RFC1123Z),
		Direction: "outbound-api", NumMedia: "0", NumSegments: strconv.Itoa(segments(rec.Body)),
		PriceUnit: "USD", SID: rec.SID, Status: rec.Status, To: rec.To, URI: base + ".json",
		SubresourceURIs: map[string]string{"media": base + "/Media.json", "feedback": base + "/Feedback.json"},
		From:            optional(rec.From), MessagingServiceSID: optional(rec.MessagingServiceSID),
	}
	if rec.Status != "queued" {
		m.DateSent = &created
	}
	if rec.ErrorCode != 0 {
		code := rec.ErrorCode
		m.ErrorCode = &code
	}
	return m
}

// optional returns nil for "", so the JSON says null as Twilio does.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// segments estimates how many SMS segments body needs: GSM-7 (approximated
// as printable ASCII without the backtick, plus CR/LF) fits 160 characters in
// one segment and 153 per segment when split; anything else is UCS-2 with 70
// and 67 UTF-16 units.
func segments(body string) int {
	gsm := true
	for _, r := range body {
		if (r < 0x20 && r != '\n' && r != '\r') || r > 0x7e || r == '`' {
			gsm = false
			break
		}
	}
	n, single, multi := len(body), 160, 153
	if !gsm {
		n, single, multi = len(utf16.Encode([]rune(body))), 70, 67
	}
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}

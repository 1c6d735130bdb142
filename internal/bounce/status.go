package bounce

import "strings"

// statusReasons maps the subject.detail of an enhanced status code (RFC 3463,
// IANA registry) to a reason; the class digit (4 or 5) only decides
// permanence.
var statusReasons = map[string]string{
	"1.0": ReasonUserUnknown, "1.1": ReasonUserUnknown, "1.3": ReasonUserUnknown,
	"1.6": ReasonUserUnknown, "2.1": ReasonUserUnknown,
	"1.2": ReasonHostUnknown, "1.10": ReasonHostUnknown, "4.4": ReasonHostUnknown,
	"7.27": ReasonHostUnknown,
	"1.7":  ReasonBlocked, "1.8": ReasonBlocked,
	"2.2": ReasonMailboxFull,
	"2.3": ReasonTooLarge, "3.4": ReasonTooLarge,
	"4.7": ReasonExpired,
	"5.3": ReasonQuota, "2.4": ReasonUnknown,
	"7.0": ReasonPolicy, "7.9": ReasonPolicy, "7.2": ReasonPolicy,
	"7.8": ReasonAuth, "7.57": ReasonAuth,
}

// reasonFromStatus gives the reason an enhanced status code implies, "" for
// codes that say nothing ("5.0.0").
func reasonFromStatus(status string) string {
	_, rest, ok := strings.Cut(status, ".")
	if !ok {
		return ""
	}
	if r, ok := statusReasons[rest]; ok {
		return r
	}
	subject, detail, _ := strings.Cut(rest, ".")
	switch subject {
	case "4":
		return ReasonNetwork
	case "6":
		return ReasonContent
	case "7":
		return reasonFrom7(detail)
	}
	if detail == "0" {
		return ""
	}
	return ReasonUnknown
}

// reasonFrom7 reads security and policy codes (5.7.x): the registered
// authentication codes 5.7.20-5.7.26 are auth, the rest (5.7.1, Microsoft's
// 5.7.5xx-7xx) a refusal of the sender.
func reasonFrom7(detail string) string {
	if len(detail) == 2 && detail >= "20" && detail <= "26" {
		return ReasonAuth
	}
	return ReasonBlocked
}

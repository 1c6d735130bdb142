package bounce

import (
	"regexp"
	"strings"
)

// textRule maps wording found in a server reply or bounce text to a reason.
type textRule struct {
	reason  string
	pattern *regexp.Regexp
}

func rule(reason, pattern string) textRule {
	return textRule{reason, regexp.MustCompile(`(?i)` + pattern)}
}

// strongRules are tried in order: the first that matches gives the reason.
// Sender-side refusals come first because their replies often also mention
// the recipient ("550 5.7.1 <a@b>: ... blocked").
var strongRules = []textRule{
	rule(ReasonUserUnknown, `not listed in (the )?(domino )?(directory|address book|public names)`),
	rule(ReasonAuth, `\b(spf|dkim|dmarc)\b|not authenticated|unauthenticated|authentication (is )?required|`+
		`sender ?verif|sendernotauthenticated|5\.7\.(2[0-6]|8|57)\b`),
	rule(ReasonBlocked, `black ?list|block ?list|blocked using|deny ?list|listed (at|in|on|by)|\brbl\b|`+
		`spamhaus|spamcop|barracuda|sorbs|reputation|banned sending|ip name lookup failed|reverse dns|`+
		`\bptr\b|\brdns\b|client host rejected|sender address rejected|not accepted from this ip|`+
		`user complaints|bad outbound sender|\[ts[s]?\d\d\]`),
	rule(ReasonSpam, `spam|unsolicited|junk mail|bulk mail|content filter`),
	rule(ReasonContent, `virus|malware|infected|security issue|phishing|content (was )?rejected|`+
		`(banned|prohibited|blocked|unsafe) attachment|attachment (type )?(is )?not allowed`),
	rule(ReasonHostUnknown, `host unknown|unknown host|host (or domain name )?not found|domain (name )?not found|`+
		`no such domain|domain (does not|doesn't) exist|could(n't| not) find any host|name service error|`+
		`unrouteable|unroutable|no mx (record|host)|\bnxdomain\b|does not accept mail|null mx|`+
		`invalid domain|dns error|domain is not valid|domain .{0,40}not exist|`+
		`mx records point to non-existent hosts|alan ad[ıi] bulunamad[ıi]`),
	rule(ReasonUserUnknown, userUnknownPattern),
	rule(ReasonMailboxFull, `posta kutusu (dolu|kotas[ıi])|kota(s[ıi])? a[şs][ıi]ld[ıi]|ящик переполнен|`+
		`mailbox (is |was )?full|full mailbox|mailbox (has )?exceeded|mailbox size limit|`+
		`over (the |his |her |their )?quota|quota ?exceeded|exceeded (the |his |her |their )?(storage|quota)|`+
		`exceeds? (his |her |their |the |its )?(mailbox |storage )?quota|disk quota|mail ?folder is full|`+
		`inbox is full|too much mail|out of storage|storage space|insufficient (system )?storage|`+
		`mailbox is at capacity|user is over|postfach (ist )?voll`),
	rule(ReasonTooLarge, `too (large|big)|message size exceeds|exceeds? (the )?(maximum|max|allowed) .{0,20}size|`+
		`size limit|message length exceeds|message size|mesg too big`),
	rule(ReasonPolicy, `polic(y|ies)|relay access denied|relaying denied|relay not permitted|unable to relay|`+
		`relaying|rcpthosts|not authori[sz]ed|prohibited|not permitted|not allowed`),
	rule(ReasonQuota, `rate limit|rate-limit|too many (messages|connections|recipients|emails|mails)|`+
		`sending limit|receiving mail at a rate|throttl`),
	rule(ReasonExpired, `retry time(out)? (exceeded|not reached)|delivery time expired|message expired|`+
		`expired|too long in (the )?queue|in the queue too long|could not be delivered for|`+
		`timed out|time-out|timeout|maximum time|giving up|gave up|has been delayed|`+
		`unable to deliver message after|within the allowed queue period|server did not respond`),
	rule(ReasonNetwork, `connection (refused|reset|closed)|socket error|could(n't| not) connect|`+
		`unable to connect|no route to host|network is unreachable|host (is )?unreachable|lost connection|`+
		`requests to connect|connect to .{1,80} failed|mail (forwarding )?loop|too many hops|`+
		`hop count exceeded|host name lookup failure`),
}

const userUnknownPattern = `user unknown|unknown user|user not found|unknown recipient|recipient unknown|` +
	`recipient not found|recipientnotfound|no such (user|mailbox|recipient|account|address|person)|` +
	`(does not|doesn't|did not) exist|not a valid (mailbox|user|recipient)|` +
	`invalid (mailbox|recipient|user|address)|mailbox (not found|unavailable|disabled|inactive)|` +
	`unknown local.?part|(unknown|bad) (e-?mail )?address|address unknown|not recognized|` +
	`no mailbox here|doesn't have an? .{0,40}account|` +
	`account (is |has been )?(disabled|inactive|suspended|deactivated|closed)|` +
	`no longer (active|available|in use|exists)|recipient address rejected: access denied|` +
	`has moved|bad recipient address|unknown or not available|unbekannt|user invalid|` +
	`not our customer|mailbox (is )?(disabled|closed)|not listed in|address not found|address couldn't be found|` +
	`no such local user|no mailbox by that name|user does not exist|unknown mailbox|` +
	`user (is |has been )?(suspended|disabled|deactivated|inactive)|` +
	// Turkish and Russian servers: user not found, no such user or mailbox,
	// invalid recipient. ı and İ are spelt both ways: (?i) does not fold them.
	//nolint:misspell // Turkish: "adres" is the Turkish word for address
	`kullan[ıi]c[ıi] (bulunamad[ıi]|mevcut de[ğg]il|yok)|b[öo]yle bir (kullan[ıi]c[ıi]|posta kutusu|adres)|` +
	`posta kutusu (bulunamad[ıi]|yok|mevcut de[ğg]il)|ge[çc]ersiz al[ıi]c[ıi]|` +
	`нет такого (пользователя|ящика|адреса)|такого (ящика|адреса|пользователя) нет|` +
	`пользователь не найден|адрес не существует`

// weakRules are generic refusals, used only when nothing more precise fits.
var weakRules = []textRule{
	rule(ReasonBlocked, `blocked|access denied|denied|refused|rejected|banned|not accepted`),
}

func matchRules(rules []textRule, texts ...string) string {
	for _, t := range texts {
		if t == "" {
			continue
		}
		for _, r := range rules {
			if r.pattern.MatchString(t) {
				return r.reason
			}
		}
	}
	return ""
}

// reasonOf decides a bounce's reason: precise wording of the server reply
// first, then of the bounce text, then a precise status code, then generic
// wording, then any status code.
func reasonOf(status string, final bool, diag, text string) string {
	reason := matchRules(strongRules, diag, text)
	if reason == "" && !vagueStatus(status) {
		reason = reasonFromStatus(status)
	}
	if reason == "" {
		reason = matchRules(weakRules, diag, text)
	}
	if reason == "" {
		reason = reasonFromStatus(status)
	}
	if reason == "" {
		reason = ReasonUnknown
	}
	// A delay notice about a network problem: delivery is late, not lost.
	if reason == ReasonNetwork && !final {
		reason = ReasonExpired
	}
	// A refusal of our MAIL FROM says nothing about the recipient's address.
	if (reason == ReasonUserUnknown || reason == ReasonHostUnknown || reason == ReasonUnknown) &&
		senderStage.MatchString(diag+"\n"+text) {
		reason = ReasonBlocked
	}
	return reason
}

// senderStage matches a reply to MAIL FROM: the server refused our envelope
// sender, whatever it said about addresses.
var senderStage = regexp.MustCompile(`(?i)after mail from|in reply to mail from|>>> mail from|mail from command`)

// classOf: only a final failure can be hard, and only when the address does
// not work. Everything else, however permanent, is soft: the address may be
// fine (crier's Outcome then tells blocked from temporary).
func classOf(reason string, final bool) ReportClass {
	if final && (reason == ReasonUserUnknown || reason == ReasonHostUnknown) {
		return HardBounce
	}
	return SoftBounce
}

var statusPattern = regexp.MustCompile(`(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?:[^\d.]|\.\D|\.$|$)`)

// statusIn returns the first enhanced status code in s, "" when none.
func statusIn(s string) string {
	if m := statusPattern.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// vagueStatus reports whether a code says no more than success, temporary or
// permanent ("5.0.0", "4.3.0").
func vagueStatus(s string) bool {
	return s == "" || strings.HasSuffix(s, ".0.0") || s[1:] == ".3.0"
}

// pickStatus returns the first precise code, else the first code at all.
func pickStatus(codes ...string) string {
	for _, c := range codes {
		if !vagueStatus(c) {
			return c
		}
	}
	for _, c := range codes {
		if c != "" {
			return c
		}
	}
	return ""
}

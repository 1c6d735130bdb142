package devsink

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"
)

// Default codes for rules that name none.
const (
	defaultRejectCode      = 21211 // invalid 'To' number
	defaultUndeliveredCode = 30003 // unreachable handset
)

// Rules decide which recipients fail, and how.
type Rules struct {
	// BounceEmails holds lower-cased addresses rejected at RCPT TO with
	// "550 5.1.1 <addr>: Recipient address rejected: User unknown".
	BounceEmails map[string]bool
	// RejectNumbers maps an E.164 number to the Twilio error code (21211,
	// 21614, 21610, ...) answered on message create, with HTTP 400.
	RejectNumbers map[string]int
	// UndeliveredNumbers maps an E.164 number to the ErrorCode (30003, 30005,
	// 30006, ...) of its "undelivered" status callback.
	UndeliveredNumbers map[string]int
}

// clone deep-copies r, lower-casing the bounce addresses.
func (r Rules) clone() Rules {
	out := Rules{
		BounceEmails:       make(map[string]bool, len(r.BounceEmails)),
		RejectNumbers:      maps.Clone(r.RejectNumbers),
		UndeliveredNumbers: maps.Clone(r.UndeliveredNumbers),
	}
	for k, v := range r.BounceEmails {
		out.BounceEmails[strings.ToLower(k)] = v
	}
	return out
}

// LoadRules reads a rules file for `crier devsink --rules FILE`. The format is
// one rule per line, fields separated by blanks; blank lines and lines
// starting with # are ignored:
//
//	# kind        recipient            [code]
//	bounce        nobody@example.com
//	reject        +15005550001         21211
//	reject        +15005550009         21614
//	undelivered   +15005550006         30003
//
// "bounce" takes an e-mail address (matched case-insensitively). "reject"
// takes an E.164 number and a Twilio API error code (default 21211).
// "undelivered" takes an E.164 number and a delivery ErrorCode (default
// 30003). Errors name the offending line number.
func LoadRules(r io.Reader) (Rules, error) {
	rules := Rules{
		BounceEmails:       map[string]bool{},
		RejectNumbers:      map[string]int{},
		UndeliveredNumbers: map[string]int{},
	}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := rules.addLine(strings.Fields(line)); err != nil {
			return Rules{}, fmt.Errorf("devsink rules line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return Rules{}, fmt.Errorf("devsink rules: read: %w", err)
	}
	return rules, nil
}

// addLine adds one parsed rule line.
func (r *Rules) addLine(f []string) error {
	if len(f) < 2 || len(f) > 3 {
		return fmt.Errorf("want \"KIND RECIPIENT [CODE]\", got %d fields", len(f))
	}
	kind, who := strings.ToLower(f[0]), f[1]
	switch kind {
	case "bounce":
		if len(f) != 2 || !strings.Contains(who, "@") {
			return fmt.Errorf("bounce takes one e-mail address")
		}
		r.BounceEmails[strings.ToLower(who)] = true
		return nil
	case "reject", "undelivered":
		if !strings.HasPrefix(who, "+") {
			return fmt.Errorf("%s takes an E.164 number starting with +", kind)
		}
		code, err := ruleCode(f, kind)
		if err != nil {
			return err
		}
		if kind == "reject" {
			r.RejectNumbers[who] = code
		} else {
			r.UndeliveredNumbers[who] = code
		}
		return nil
	default:
		return fmt.Errorf("unknown kind %q (want bounce, reject or undelivered)", f[0])
	}
}

// ruleCode returns the line's code, or the kind's default.
func ruleCode(f []string, kind string) (int, error) {
	if len(f) < 3 {
		if kind == "reject" {
			return defaultRejectCode, nil
		}
		return defaultUndeliveredCode, nil
	}
	code, err := strconv.Atoi(f[2])
	if err != nil || code <= 0 {
		return 0, fmt.Errorf("code %q is not a positive number", f[2])
	}
	return code, nil
}

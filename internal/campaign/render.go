package campaign

import (
	"fmt"
	"strings"

	"github.com/crier-dev/crier/internal/gsm"
)

// Data is what a template sees. Contact fields are values handed to the
// template, never parsed as template code: a contact named "{{.Manager}}" is
// greeted as exactly that.
type Data struct {
	Contact        ContactData
	Manager        ManagerData
	Campaign       CampaignData
	UnsubscribeURL string
}

// ContactData are the contact's fields templates may use.
type ContactData struct {
	FirstName string
	LastName  string
	Company   string
}

// ManagerData are the owning manager's fields templates may use.
type ManagerData struct {
	Name  string
	Email string
}

// CampaignData are the campaign's fields templates may use.
type CampaignData struct {
	Name string
}

// RenderedEmail is an e-mail ready to send.
type RenderedEmail struct {
	Subject string
	Text    string
	HTML    string // empty when the campaign has no HTML template
}

// RenderEmail renders the campaign's e-mail for one contact. Line breaks in
// the subject are folded into spaces: a subject is one header line.
func (c *Campaign) RenderEmail(d Data) (RenderedEmail, error) {
	if c.text == nil {
		return RenderedEmail{}, fmt.Errorf("campaign %s has no e-mail", c.Def.Slug)
	}
	var out RenderedEmail
	var b strings.Builder
	if err := c.subject.Execute(&b, d); err != nil {
		return out, fmt.Errorf("render subject: %w", err)
	}
	out.Subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := c.text.Execute(&b, d); err != nil {
		return out, fmt.Errorf("render e-mail text: %w", err)
	}
	out.Text = b.String()
	if c.html != nil {
		b.Reset()
		if err := c.html.Execute(&b, d); err != nil {
			return out, fmt.Errorf("render e-mail HTML: %w", err)
		}
		out.HTML = b.String()
	}
	return out, nil
}

// RenderSMS renders the campaign's SMS for one contact, trimmed, and
// transliterated to the GSM default alphabet when the campaign asks for it.
func (c *Campaign) RenderSMS(d Data) (string, error) {
	if c.sms == nil {
		return "", fmt.Errorf("campaign %s has no SMS", c.Def.Slug)
	}
	var b strings.Builder
	if err := c.sms.Execute(&b, d); err != nil {
		return "", fmt.Errorf("render SMS: %w", err)
	}
	text := strings.TrimSpace(b.String())
	if c.Def.SMS.Transliterate {
		text = gsm.Transliterate(text)
	}
	return text, nil
}

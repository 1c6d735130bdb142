// Package campaign holds sale announcements: their definitions (campaigns/*.yaml)
// and templates, rendering a message for one contact in the owning manager's
// name, and sending one planned message through the ledger.
package campaign

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"strings"
	texttemplate "text/template"
	"time"

	"gopkg.in/yaml.v3"
)

// Channels crier sends on.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Definition is a campaign file, campaigns/SLUG.yaml.
type Definition struct {
	Slug     string   `yaml:"-" json:"slug"`
	Name     string   `yaml:"name" json:"name"`
	Channels []string `yaml:"channels" json:"channels"`
	Audience struct {
		// Owners are manager names or e-mail addresses; empty means all managers.
		Owners []string `yaml:"owners" json:"owners"`
		// Tags select contacts with any of these tags; empty means all contacts.
		Tags []string `yaml:"tags" json:"tags"`
	} `yaml:"audience" json:"audience"`
	Email struct {
		Subject string `yaml:"subject" json:"subject"`
		HTML    string `yaml:"html" json:"html"` // path under templates/
		Text    string `yaml:"text" json:"text"` // path under templates/
	} `yaml:"email" json:"email"`
	SMS struct {
		Text string `yaml:"text" json:"text"` // path under templates/
		// Transliterate replaces ş ğ ı İ ç (and â î û) with plain letters, so
		// that the SMS travels as GSM-7: up to 160 characters a segment
		// instead of 70.
		Transliterate bool `yaml:"transliterate" json:"transliterate"`
	} `yaml:"sms" json:"sms"`
	// Throttle caps this campaign's own send rate per channel, on top of the
	// provider limits every campaign shares (CRIER_SMTP_RATE, CRIER_SMS_RATE).
	Throttle Throttle `yaml:"throttle" json:"throttle"`
	// SendAt, when set, holds the campaign until then: launching plans its
	// messages at once and workers start sending at SendAt.
	SendAt *time.Time `yaml:"send_at" json:"send_at,omitempty"`
}

// Throttle is a campaign's send rate per channel in messages per second; 0
// means no limit of its own.
type Throttle struct {
	Email int `yaml:"email" json:"email"`
	SMS   int `yaml:"sms" json:"sms"`
}

// PerSecond returns the throttle of channel.
func (t Throttle) PerSecond(channel string) int {
	if channel == ChannelSMS {
		return t.SMS
	}
	return t.Email
}

// Campaign is a loaded definition with its parsed templates.
type Campaign struct {
	Def     Definition
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
	sms     *texttemplate.Template
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Load reads campaigns/SLUG.yaml and its templates from fsys, which holds the
// campaigns/ and templates/ directories, and checks that every template
// renders with sample data.
func Load(fsys fs.FS, slug string) (*Campaign, error) {
	if !slugPattern.MatchString(slug) {
		return nil, fmt.Errorf("campaign %q: a name is lower-case letters, digits and dashes", slug)
	}
	file := path.Join("campaigns", slug+".yaml")
	raw, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("campaign %q: no file %s", slug, file)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	c := &Campaign{}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c.Def); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	c.Def.Slug = slug
	if err := c.Def.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := c.parseTemplates(fsys); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return c, nil
}

func (d Definition) validate() error {
	var errs []error
	if strings.TrimSpace(d.Name) == "" {
		errs = append(errs, errors.New("name: required"))
	}
	if len(d.Channels) == 0 {
		errs = append(errs, errors.New("channels: list email, sms or both"))
	}
	for _, ch := range d.Channels {
		switch ch {
		case ChannelEmail:
			if d.Email.Subject == "" || d.Email.Text == "" {
				errs = append(errs, errors.New("email: subject and text are required"))
			}
		case ChannelSMS:
			if d.SMS.Text == "" {
				errs = append(errs, errors.New("sms: text is required"))
			}
		default:
			errs = append(errs, fmt.Errorf("channels: unknown channel %q", ch))
		}
	}
	if d.Throttle.Email < 0 || d.Throttle.SMS < 0 {
		errs = append(errs, errors.New("throttle: messages per second must be 0 (no limit) or more"))
	}
	return errors.Join(errs...)
}

// HasChannel reports whether the campaign sends on channel.
func (d Definition) HasChannel(channel string) bool {
	for _, ch := range d.Channels {
		if ch == channel {
			return true
		}
	}
	return false
}

func (c *Campaign) parseTemplates(fsys fs.FS) error {
	var err error
	text := func(name string) *texttemplate.Template {
		if name == "" || err != nil {
			return nil
		}
		var src []byte
		if src, err = fs.ReadFile(fsys, path.Join("templates", name)); err != nil {
			err = fmt.Errorf("template %s: %w", name, err)
			return nil
		}
		var t *texttemplate.Template
		t, err = texttemplate.New(name).Option("missingkey=error").Parse(string(src))
		return t
	}
	c.subject, err = texttemplate.New("subject").Option("missingkey=error").Parse(c.Def.Email.Subject)
	c.text = text(c.Def.Email.Text)
	c.sms = text(c.Def.SMS.Text)
	if err != nil || c.Def.Email.HTML == "" {
		return err
	}
	src, err := fs.ReadFile(fsys, path.Join("templates", c.Def.Email.HTML))
	if err != nil {
		return fmt.Errorf("template %s: %w", c.Def.Email.HTML, err)
	}
	c.html, err = htmltemplate.New(c.Def.Email.HTML).Option("missingkey=error").Parse(string(src))
	return err
}

// check renders every template once with sample data, so that a broken
// template fails at launch and not at the first customer.
func (c *Campaign) check() error {
	sample := Data{
		Contact:        ContactData{FirstName: "Ayşe", LastName: "Yılmaz", Company: "Örnek A.Ş."},
		Manager:        ManagerData{Name: "Zeynep Kılıç", Email: "zeynep@example.com"},
		Campaign:       CampaignData{Name: c.Def.Name},
		UnsubscribeURL: "https://example.com/u/token",
	}
	if c.Def.HasChannel(ChannelEmail) {
		if _, err := c.RenderEmail(sample); err != nil {
			return err
		}
	}
	if c.Def.HasChannel(ChannelSMS) {
		if _, err := c.RenderSMS(sample); err != nil {
			return err
		}
	}
	return nil
}

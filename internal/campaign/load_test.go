package campaign_test

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/campaign"
)

// validFS is a minimal campaign with both channels, to be broken one way per case.
func validFS() fstest.MapFS {
	return fstest.MapFS{
		"campaigns/promo.yaml": {Data: []byte(`name: Promo
channels: [email, sms]
email:
  subject: "Hi {{.Contact.FirstName}}"
  html: promo/email.html
  text: promo/email.txt
sms:
  text: promo/sms.txt
`)},
		"templates/promo/email.txt":  {Data: []byte("Hi {{.Contact.FirstName}}\n")},
		"templates/promo/email.html": {Data: []byte("<p>Hi {{.Contact.FirstName}}</p>")},
		"templates/promo/sms.txt":    {Data: []byte("Hi {{.Contact.FirstName}}")},
	}
}

func file(content string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(content)} }

func TestLoadValidCampaign(t *testing.T) {
	t.Parallel()
	c, err := campaign.Load(validFS(), "promo")
	require.NoError(t, err)
	require.Equal(t, "promo", c.Def.Slug)
	mail, err := c.RenderEmail(campaign.Data{Contact: campaign.ContactData{FirstName: "Ali"}})
	require.NoError(t, err)
	require.Equal(t, campaign.RenderedEmail{Subject: "Hi Ali", Text: "Hi Ali\n",
		HTML: "<p>Hi Ali</p>"}, mail)
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	t.Parallel()

	const yaml = "campaigns/promo.yaml"
	for _, tc := range []struct {
		name  string
		slug  string
		edit  func(fstest.MapFS)
		wants []string // substrings of the error
	}{
		{
			name:  "UnknownSlug",
			slug:  "winter-sale",
			wants: []string{"campaigns/winter-sale.yaml", "winter-sale"},
		},
		{
			name:  "SlugWithPathTraversal",
			slug:  "../etc/passwd",
			wants: []string{`"../etc/passwd"`, "lower-case letters, digits and dashes"},
		},
		{
			name:  "SlugWithUpperCase",
			slug:  "Promo",
			wants: []string{`"Promo"`, "lower-case letters"},
		},
		{
			name:  "EmptySlug",
			slug:  "",
			wants: []string{`""`, "lower-case letters"},
		},
		{
			name: "UnknownYAMLField",
			edit: func(f fstest.MapFS) {
				f[yaml] = &fstest.MapFile{Data: append(f[yaml].Data, "sender: boss\n"...)}
			},
			wants: []string{yaml, "sender"},
		},
		{
			name: "MissingName",
			edit: func(f fstest.MapFS) {
				f[yaml] = file("channels: [sms]\nsms: {text: promo/sms.txt}\n")
			},
			wants: []string{yaml, "name: required"},
		},
		{
			name: "NoChannels",
			edit: func(f fstest.MapFS) {
				f[yaml] = file("name: P\n")
			},
			wants: []string{yaml, "channels"},
		},
		{
			name: "UnknownChannel",
			edit: func(f fstest.MapFS) {
				f[yaml] = file("name: P\nchannels: [fax]\n")
			},
			wants: []string{yaml, `unknown channel "fax"`},
		},
		{
			name: "SMSChannelWithoutTemplate",
			edit: func(f fstest.MapFS) {
				f[yaml] = file("name: P\nchannels: [sms]\n")
			},
			wants: []string{yaml, "sms: text is required"},
		},
		{
			name: "EmailChannelWithoutText",
			edit: func(f fstest.MapFS) {
				f[yaml] = &fstest.MapFile{Data: []byte("name: P\nchannels: [email]\n" +
					"email: {subject: Hi, html: promo/email.html}\n")}
			},
			wants: []string{yaml, "email: subject and text are required"},
		},
		{
			name:  "MissingTextTemplate",
			edit:  func(f fstest.MapFS) { delete(f, "templates/promo/email.txt") },
			wants: []string{yaml, "promo/email.txt"},
		},
		{
			name:  "MissingHTMLTemplate",
			edit:  func(f fstest.MapFS) { delete(f, "templates/promo/email.html") },
			wants: []string{yaml, "promo/email.html"},
		},
		{
			name:  "MissingSMSTemplate",
			edit:  func(f fstest.MapFS) { delete(f, "templates/promo/sms.txt") },
			wants: []string{yaml, "promo/sms.txt"},
		},
		{
			name: "TextTemplateDoesNotParse",
			edit: func(f fstest.MapFS) {
				f["templates/promo/email.txt"] = file("Hi {{.Contact.FirstName")
			},
			wants: []string{yaml, "promo/email.txt"},
		},
		{
			name: "HTMLTemplateDoesNotParse",
			edit: func(f fstest.MapFS) {
				f["templates/promo/email.html"] = file("<p>{{if .X}}</p>")
			},
			wants: []string{yaml, "promo/email.html"},
		},
		{
			name: "SMSTemplateDoesNotParse",
			edit: func(f fstest.MapFS) {
				f["templates/promo/sms.txt"] = file("{{end}}")
			},
			wants: []string{yaml, "promo/sms.txt"},
		},
		{
			name: "TextTemplateReferencesMissingField",
			edit: func(f fstest.MapFS) {
				f["templates/promo/email.txt"] = file("{{.Contact.Phone}}")
			},
			wants: []string{"promo/email.txt", "Phone"},
		},
		{
			name: "HTMLTemplateReferencesMissingField",
			edit: func(f fstest.MapFS) {
				f["templates/promo/email.html"] = file("{{.Manager.Phone}}")
			},
			wants: []string{"promo/email.html", "Phone"},
		},
		{
			name: "SMSTemplateReferencesMissingField",
			edit: func(f fstest.MapFS) {
				f["templates/promo/sms.txt"] = file("{{.Coupon}}")
			},
			wants: []string{"promo/sms.txt", "Coupon"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := validFS()
			if tc.edit != nil {
				tc.edit(fsys)
			}
			slug := tc.slug
			if slug == "" && tc.edit != nil {
				slug = "promo"
			}
			_, err := campaign.Load(fsys, slug)
			require.Error(t, err)
			for _, want := range tc.wants {
				require.ErrorContains(t, err, want)
			}
		})
	}
}

func TestLoadSubjectErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, subject, want string
	}{
		{"DoesNotParse", "Hi {{.Contact.FirstName", "campaigns/promo.yaml"},
		{"ReferencesMissingField", "Hi {{.Contact.Title}}", "Title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := validFS()
			fsys["campaigns/promo.yaml"] = &fstest.MapFile{Data: []byte("name: P\n" +
				"channels: [email]\nemail:\n  subject: \"" + tc.subject + "\"\n" +
				"  text: promo/email.txt\n")}
			c, err := campaign.Load(fsys, "promo")
			require.Nil(t, c, "a campaign that does not render is not returned")
			require.ErrorContains(t, err, "campaigns/promo.yaml")
			require.ErrorContains(t, err, "subject")
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestLoadScheduleAndThrottle(t *testing.T) {
	t.Parallel()
	fsys := validFS()
	fsys["campaigns/promo.yaml"].Data = append(fsys["campaigns/promo.yaml"].Data,
		[]byte("send_at: 2027-03-01T09:00:00+03:00\nthrottle: {email: 200, sms: 20}\n")...)
	c, err := campaign.Load(fsys, "promo")
	require.NoError(t, err)
	require.NotNil(t, c.Def.SendAt)
	require.Equal(t, "2027-03-01T06:00:00Z", c.Def.SendAt.UTC().Format(time.RFC3339))
	require.Equal(t, 200, c.Def.Throttle.PerSecond(campaign.ChannelEmail))
	require.Equal(t, 20, c.Def.Throttle.PerSecond(campaign.ChannelSMS))

	fsys["campaigns/promo.yaml"].Data = append(fsys["campaigns/promo.yaml"].Data[:0:0],
		[]byte("name: Promo\nchannels: [sms]\nsms:\n  text: promo/sms.txt\nthrottle: {sms: -1}\n")...)
	_, err = campaign.Load(fsys, "promo")
	require.ErrorContains(t, err, "throttle")
	require.ErrorContains(t, err, "campaigns/promo.yaml")
}

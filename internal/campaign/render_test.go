package campaign_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier"
	"github.com/crier-dev/crier/internal/campaign"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// sample is the contact the golden files are rendered for.
func sample(t *testing.T, c *campaign.Campaign) campaign.Data {
	t.Helper()
	links := campaign.NewLinks("https://crier.example.com/", []byte("golden-key"))
	return campaign.Data{
		Contact: campaign.ContactData{FirstName: "Ayşe", LastName: "Yılmaz",
			Company: "Örnek Tekstil A.Ş."},
		Manager: campaign.ManagerData{Name: "Zeynep Kılıç",
			Email: "zeynep@satis.example.com"},
		Campaign:       campaign.CampaignData{Name: c.Def.Name},
		UnsubscribeURL: links.Unsubscribe(42),
	}
}

// golden compares got with testdata/name, rewriting the file under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run `go test ./internal/campaign -update` to create it")
	require.Equal(t, string(want), got)
}

func TestLoadBundledSpringSale(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		name string
		load func() (*campaign.Campaign, error)
	}{
		{"FromRepositoryDirectory", func() (*campaign.Campaign, error) {
			return campaign.Load(os.DirFS("../.."), "spring-sale")
		}},
		{"FromEmbeddedFiles", func() (*campaign.Campaign, error) {
			return campaign.Load(crier.Campaigns, "spring-sale")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := tc.load()
			require.NoError(t, err)
			require.Equal(t, "spring-sale", c.Def.Slug)
			require.Equal(t, "Bahar İndirimi 2027", c.Def.Name)
			require.Equal(t, []string{campaign.ChannelEmail, campaign.ChannelSMS}, c.Def.Channels)
			require.True(t, c.Def.HasChannel(campaign.ChannelEmail))
			require.True(t, c.Def.HasChannel(campaign.ChannelSMS))
			require.False(t, c.Def.HasChannel("fax"))

			d := sample(t, c)
			mail, err := c.RenderEmail(d)
			require.NoError(t, err)
			require.Equal(t, "Bahar indirimi başladı: tüm ürünlerde %30", mail.Subject)
			require.Contains(t, mail.Text, "Merhaba Ayşe,")
			require.Contains(t, mail.Text, "Örnek Tekstil A.Ş. için özel fiyat")
			require.Contains(t, mail.Text, "Zeynep Kılıç")
			require.Contains(t, mail.Text, d.UnsubscribeURL)
			require.Contains(t, mail.HTML, `<a href="`+d.UnsubscribeURL+`">`)
			require.Contains(t, mail.HTML, "<title>Bahar İndirimi 2027</title>")
			sms, err := c.RenderSMS(d)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(sms, "Sayın Ayşe, Bahar indirimi"), sms)
			require.Equal(t, strings.TrimSpace(sms), sms)
		})
	}
}

func TestSpringSaleGolden(t *testing.T) {
	t.Parallel()
	c, err := campaign.Load(crier.Campaigns, "spring-sale")
	require.NoError(t, err)
	d := sample(t, c)
	mail, err := c.RenderEmail(d)
	require.NoError(t, err)
	sms, err := c.RenderSMS(d)
	require.NoError(t, err)

	// Not parallel: -update writes the files these subtests read.
	t.Run("EmailText", func(t *testing.T) {
		golden(t, "spring-sale.email.txt.golden", "Subject: "+mail.Subject+"\n\n"+mail.Text)
	})
	t.Run("EmailHTML", func(t *testing.T) {
		golden(t, "spring-sale.email.html.golden", mail.HTML)
	})
	t.Run("SMS", func(t *testing.T) {
		golden(t, "spring-sale.sms.golden", sms+"\n")
	})
}

// TestSpringSaleGoldenWithoutManagerEmail renders for a manager without an
// e-mail: the mail must not promise that replies reach the manager.
func TestSpringSaleGoldenWithoutManagerEmail(t *testing.T) {
	t.Parallel()
	c, err := campaign.Load(crier.Campaigns, "spring-sale")
	require.NoError(t, err)
	d := sample(t, c)
	d.Manager.Email = ""
	mail, err := c.RenderEmail(d)
	require.NoError(t, err)
	t.Run("EmailText", func(t *testing.T) {
		golden(t, "spring-sale.no-manager-email.email.txt.golden",
			"Subject: "+mail.Subject+"\n\n"+mail.Text)
	})
	t.Run("EmailHTML", func(t *testing.T) {
		golden(t, "spring-sale.no-manager-email.email.html.golden", mail.HTML)
	})
}

// hostileFS is a campaign whose subject and bodies use every contact field.
var hostileFS = fstest.MapFS{
	"campaigns/hostile.yaml": {Data: []byte(`name: Hostile
channels: [email, sms]
email:
  subject: "Teklif: {{.Contact.FirstName}} {{.Contact.LastName}} / {{.Contact.Company}}"
  html: h/email.html
  text: h/email.txt
sms:
  text: h/sms.txt
`)},
	"templates/h/email.txt": {Data: []byte(
		"Hi {{.Contact.FirstName}} {{.Contact.LastName}} of {{.Contact.Company}}\n")},
	"templates/h/email.html": {Data: []byte(
		"<p>Hi {{.Contact.FirstName}} {{.Contact.LastName}} of {{.Contact.Company}}</p>")},
	"templates/h/sms.txt": {Data: []byte("Hi {{.Contact.FirstName}} - {{.Manager.Name}}\n")},
}

func TestContactDataIsNeverEvaluated(t *testing.T) {
	t.Parallel()
	const managerEmail = "secret-manager@satis.example.com"

	for _, tc := range []struct {
		name     string
		contact  campaign.ContactData
		wantText string // the contact as text shows it
		wantHTML string // and as HTML shows it
	}{
		{
			name: "TemplateActionInName",
			contact: campaign.ContactData{FirstName: "{{.Manager.Email}}",
				LastName: `{{template "x"}}`},
			wantText: `{{.Manager.Email}} {{template "x"}} of `,
			wantHTML: `{{.Manager.Email}} {{template &#34;x&#34;}} of `,
		},
		{
			name: "ScriptInName",
			contact: campaign.ContactData{FirstName: "<script>alert(1)</script>",
				LastName: "&amp;"},
			wantText: "<script>alert(1)</script> &amp; of ",
			wantHTML: "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; of ",
		},
		{
			name: "LineBreaksInCompany",
			contact: campaign.ContactData{FirstName: "Ali", LastName: "Veli",
				Company: "ACME\r\nBcc: victim@example.com\nX"},
			wantText: "Ali Veli of ACME\r\nBcc: victim@example.com\nX",
			wantHTML: "Ali Veli of ACME\r\nBcc: victim@example.com\nX",
		},
		{
			name: "UnicodeLineSeparatorsInCompany",
			contact: campaign.ContactData{FirstName: "Ali", LastName: "Veli",
				Company: "A\u2028B\u0085C\vD"},
			wantText: "Ali Veli of A\u2028B\u0085C\vD",
			wantHTML: "Ali Veli of A\u2028B\u0085C\vD",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := campaign.Load(hostileFS, "hostile")
			require.NoError(t, err)
			d := campaign.Data{Contact: tc.contact,
				Manager:  campaign.ManagerData{Name: "Zeynep", Email: managerEmail},
				Campaign: campaign.CampaignData{Name: "Hostile"}, UnsubscribeURL: "https://x/u/1"}
			mail, err := c.RenderEmail(d)
			require.NoError(t, err)
			require.Contains(t, mail.Text, tc.wantText)
			require.Contains(t, mail.HTML, tc.wantHTML)
			require.NotContains(t, mail.Text+mail.HTML+mail.Subject, managerEmail)
			require.NotContains(t, mail.HTML, "<script>")

			require.NotContains(t, mail.Subject, "\r")
			require.NotContains(t, mail.Subject, "\n")
			require.NotContains(t, mail.Subject, "\u2028")
			require.NotContains(t, mail.Subject, "\u0085")
			require.NotContains(t, mail.Subject, "  ", "line breaks fold into one space")
			require.Contains(t, mail.Subject, tc.contact.FirstName)

			sms, err := c.RenderSMS(d)
			require.NoError(t, err)
			require.Equal(t, "Hi "+tc.contact.FirstName+" - Zeynep", sms)
		})
	}
}

func TestSubjectFoldsLineBreaks(t *testing.T) {
	t.Parallel()
	c, err := campaign.Load(hostileFS, "hostile")
	require.NoError(t, err)
	mail, err := c.RenderEmail(campaign.Data{Contact: campaign.ContactData{
		FirstName: " Ali\r\n", LastName: "\tVeli", Company: "ACME\r\n\r\nBcc: x@example.com"}})
	require.NoError(t, err)
	require.Equal(t, "Teklif: Ali Veli / ACME Bcc: x@example.com", mail.Subject)
}

func TestRenderOnAChannelTheCampaignLacks(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"campaigns/sms-only.yaml": {Data: []byte("name: S\nchannels: [sms]\nsms: {text: s.txt}\n")},
		"campaigns/mail-only.yaml": {Data: []byte("name: M\nchannels: [email]\n" +
			"email: {subject: Hi, text: m.txt}\n")},
		"templates/s.txt": {Data: []byte("sms\n")},
		"templates/m.txt": {Data: []byte("mail\n")},
	}
	t.Run("SMSOnlyHasNoEmail", func(t *testing.T) {
		t.Parallel()
		c, err := campaign.Load(fsys, "sms-only")
		require.NoError(t, err)
		_, err = c.RenderEmail(campaign.Data{})
		require.ErrorContains(t, err, "sms-only has no e-mail")
	})
	t.Run("EmailOnlyHasNoSMSAndNoHTML", func(t *testing.T) {
		t.Parallel()
		c, err := campaign.Load(fsys, "mail-only")
		require.NoError(t, err)
		_, err = c.RenderSMS(campaign.Data{})
		require.ErrorContains(t, err, "mail-only has no SMS")
		mail, err := c.RenderEmail(campaign.Data{})
		require.NoError(t, err)
		require.Equal(t, campaign.RenderedEmail{Subject: "Hi", Text: "mail\n"}, mail)
	})
}

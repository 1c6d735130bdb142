package app_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/campaign"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/gsm"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

func TestPreviewSMS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := testenv.Store(t)
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	add := func(owner, first, phone string) {
		id, err := st.ManagerEnsure(ctx, owner, contact.FoldTR(owner), "")
		require.NoError(t, err)
		c := contact.Normalize(contact.Input{FirstName: first, LastName: "Test",
			Phones: []contact.PhoneCell{{Raw: phone}}, Owner: owner}, contact.Options{})
		_, _, err = st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
			OwnerID: id, Contact: c})
		require.NoError(t, err)
	}
	add("Zeynep Kılıç", "Ayşe", "0532 111 11 11")
	add("Zeynep Kılıç", "Şükrü", "0532 222 22 22")
	add("Zeynep Kılıç", "Sabit", "0212 555 12 34") // a landline gets no SMS
	add("Emre Çetin", "Deniz", "0533 333 33 33")
	links := campaign.NewLinks("https://crier.example.com", []byte("k"))

	p, err := app.PreviewSMS(ctx, st, app.CampaignFS(""), links, "spring-sale")
	require.NoError(t, err)
	require.Contains(t, p.Sample, "Sayın Ayşe")
	require.Equal(t, gsm.GSM7TurkishSingle, p.Counts[0].Encoding, "ı and ş need the Turkish table")
	require.Equal(t, gsm.UCS2, p.Counts[len(p.Counts)-1].Encoding)
	require.Equal(t, []app.ManagerSegments{
		// About 110 characters with ı and ş: two UCS-2 segments, or one with
		// the Turkish shift table.
		{Name: "Emre Çetin", Recipients: 1, Segments: 2, TurkishSegments: 1},
		{Name: "Zeynep Kılıç", Recipients: 2, Segments: 4, TurkishSegments: 2},
	}, p.Managers)

	// The same campaign, transliterated, is one GSM-7 segment each.
	dir := t.TempDir()
	copyCampaign(t, dir, "sms:\n  text: spring-sale/sms.txt\n  transliterate: true\n")
	p, err = app.PreviewSMS(ctx, st, os.DirFS(dir), links, "spring-sale")
	require.NoError(t, err)
	require.Contains(t, p.Sample, "Sayin Ayse")
	require.Equal(t, gsm.GSM7, p.Counts[0].Encoding)
	require.Equal(t, 2, p.Managers[1].Recipients)
	require.Equal(t, 2, p.Managers[1].Segments)
}

// copyCampaign writes the built-in spring-sale templates into dir with a
// campaign file whose sms section is sms.
func copyCampaign(t *testing.T, dir, sms string) {
	t.Helper()
	src := app.CampaignFS("")
	for _, name := range []string{"email.txt", "email.html", "sms.txt"} {
		data, err := fsRead(src, "templates/spring-sale/"+name)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "templates", "spring-sale"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "templates", "spring-sale", name), data, 0o600))
	}
	def := "name: Bahar\nchannels: [sms]\n" + sms
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "campaigns"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "campaigns", "spring-sale.yaml"), []byte(def), 0o600))
}

func fsRead(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }

package cli_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/cli"
	"github.com/crier-dev/crier/internal/contact"
	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

func TestCampaignPreview(t *testing.T) {
	t.Parallel()
	url := testenv.Database(t)
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	require.NoError(t, err)
	importID, err := st.ImportBegin(ctx, store.ImportBeginParams{FileName: "t.csv",
		Layout: "generic", Encoding: "utf-8"})
	require.NoError(t, err)
	owner, err := st.ManagerEnsure(ctx, "Emre Çetin", contact.FoldTR("Emre Çetin"), "")
	require.NoError(t, err)
	for _, phone := range []string{"0532 111 11 11", "0533 222 22 22"} {
		c := contact.Normalize(contact.Input{FirstName: "Ayşe", LastName: "Yılmaz",
			Phones: []contact.PhoneCell{{Raw: phone}}, Owner: "Emre Çetin"}, contact.Options{})
		_, _, err = st.ContactUpsert(ctx, store.ContactUpsertParams{ImportID: importID,
			OwnerID: owner, Contact: c})
		require.NoError(t, err)
	}
	st.Close()

	var out, errOut bytes.Buffer
	code := cli.Run(t.Context(), []string{"campaign", "preview", "spring-sale"}, cli.Env{
		Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
			return map[string]string{"CRIER_DATABASE_URL": url}[k]
		}})
	require.Zero(t, code, errOut.String())
	text := out.String()
	require.Contains(t, text, "Sayın Ayşe")
	require.Regexp(t, `gsm7\+tr_single\s+\d+\s+1\s+149`, text)
	require.Regexp(t, `ucs2\s+\d+\s+2\s+67`, text)
	require.Regexp(t, `Emre Çetin\s+2\s+4\s+2`, text)
	require.Regexp(t, `total\s+2\s+4\s+2`, text)
}

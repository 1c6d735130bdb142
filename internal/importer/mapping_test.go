package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/contact"
)

func TestLoadMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     *Mapping
		err      string
	}{
		{"pairs", "# comment\n\nfull_name = Kişi\nemail=Mail 1\nemail = Mail 2\n" +
			"phone = GSM\nconsent = İzin\nid = No\n",
			&Mapping{FullName: "Kişi", Email: []string{"Mail 1", "Mail 2"},
				Phones: []string{"GSM"}, Consent: "İzin", ExternalID: "No"}, ""},
		{"field case", "EMAIL = E\n", &Mapping{Email: []string{"E"}}, ""},
		{"unknown field", "email = E\nfax = F\n", nil, `line 2: unknown field "fax"`},
		{"twice", "email = E\nowner = A\nowner = B\n", nil, `line 3: field "owner" given twice`},
		{"no equals", "email E\n", nil, "line 1"},
		{"no header", "email =\n", nil, "line 1"},
		{"no contact field", "owner = A\n", nil, "no name, e-mail or phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := LoadMapping(strings.NewReader(tt.in))
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, m)
		})
	}
}

// loadFixtureMapping reads testdata/mapping.txt.
func loadFixtureMapping(t *testing.T) *Mapping {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "mapping.txt"))
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	m, err := LoadMapping(f)
	require.NoError(t, err)
	return m
}

func TestReaderWithMapping(t *testing.T) {
	t.Parallel()
	m := loadFixtureMapping(t)
	tests := []struct {
		name string
		opts Options
		want contact.Input
	}{
		{"mapping", Options{Mapping: m}, contact.Input{FirstName: "Ali", LastName: "Veli",
			Email: "ali@example.com", Phones: phones("GSM 2", "0532 111 22 33"),
			Owner: "Zeynep", OptOut: true}},
		{"mapping and owner column", Options{Mapping: m, OwnerColumn: "Kişi Adı"},
			contact.Input{FirstName: "Ali", LastName: "Veli", Email: "ali@example.com",
				Phones: phones("GSM 2", "0532 111 22 33"), Owner: "Ali", OptOut: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := openFixture(t, "mapped.csv", tt.opts)
			require.NoError(t, err)
			require.Equal(t, LayoutMapping, r.Layout())
			require.Equal(t, []contact.Input{tt.want}, inputs(t, readAll(t, r)))
		})
	}
}

func TestReaderMappingMissingColumn(t *testing.T) {
	t.Parallel()
	m := &Mapping{Email: []string{"Elektronik Posta"}, Owner: "Satıcı"}
	_, err := openFixture(t, "mapped.csv", Options{Mapping: m})
	require.ErrorContains(t, err, `mapped.csv: mapping names column "Satıcı"`)
}

func TestReaderHeaderSynonymsAndWarnings(t *testing.T) {
	t.Parallel()
	r, err := openFixture(t, "synonyms.csv", Options{})
	require.NoError(t, err)
	recs := readAll(t, r)
	require.Len(t, recs, 1)
	in := recs[0].Input
	require.Equal(t, "ali@example.com", in.Email)
	require.Equal(t, "Ali Veli", in.FullName)
	require.Equal(t, "Zeynep Kılıç", in.Owner)
	require.Len(t, in.Phones, 1)
	require.Equal(t, []string{`columns not read: "Notlar", "Kaynak"`}, r.Warnings())
}

func TestReaderDuplicateHeaders(t *testing.T) {
	t.Parallel()
	r, err := openFixture(t, "dup_headers.csv", Options{})
	require.NoError(t, err)
	recs := readAll(t, r)
	require.Len(t, recs, 2)
	require.Equal(t, "ali@example.com", recs[0].Input.Email, "the first non-empty")
	require.Equal(t, "veli@example.com", recs[1].Input.Email)
	require.Equal(t, []string{`column "email" appears 2 times: ` +
		`each row's first non-empty one is read`}, r.Warnings())
}

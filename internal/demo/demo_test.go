package demo_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/demo"
)

const wantHeader = `"Record ID","First Name","Last Name","Email","Phone Number",` +
	`"Mobile Phone Number","Contact owner","Company Name","Lifecycle Stage",` +
	`"Create Date","Unsubscribed from all email"`

// Column indexes of the export.
const (
	colEmail = 3
	colPhone = 4
	colMob   = 5
	colOwner = 6
	colUnsub = 10
)

// plausibleEmail is a simple check an importer's first pass might make.
var plausibleEmail = regexp.MustCompile(`^[a-z0-9._%+-]+@[\p{Ll}0-9.-]+\.[a-z]{2,}$`)

func generate(t testing.TB, opts demo.Options) ([]byte, demo.Dataset) {
	t.Helper()
	var buf bytes.Buffer
	ds, err := demo.Generate(&buf, opts)
	require.NoError(t, err)
	return buf.Bytes(), ds
}

func parse(t testing.TB, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 11
	records, err := r.ReadAll()
	require.NoError(t, err)
	return records[1:]
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, dsA := generate(t, demo.Options{Seed: 7, Contacts: 800})
	b, dsB := generate(t, demo.Options{Seed: 7, Contacts: 800})
	c, _ := generate(t, demo.Options{Seed: 8, Contacts: 800})
	require.Equal(t, a, b)
	require.Equal(t, dsA, dsB)
	require.NotEqual(t, a, c)
}

func TestGenerateDefaults(t *testing.T) {
	t.Parallel()
	def, ds := generate(t, demo.Options{})
	explicit, _ := generate(t, demo.Options{Seed: demo.DefaultSeed, Contacts: demo.DefaultContacts})
	require.Equal(t, demo.DefaultContacts, ds.Rows)
	require.Equal(t, explicit, def)
	require.Len(t, ds.Managers, 6)

	_, err := demo.Generate(&bytes.Buffer{}, demo.Options{Contacts: -1})
	require.Error(t, err)
}

func TestGenerateLayout(t *testing.T) {
	t.Parallel()
	data, ds := generate(t, demo.Options{Seed: 3, Contacts: 1234})
	require.Equal(t, 1234, ds.Rows)
	require.Len(t, parse(t, data), 1234)
	require.NotContains(t, string(data), "\r")

	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Equal(t, wantHeader, lines[0])
	require.Len(t, lines, 1235)
	for i, r := range parse(t, data) {
		require.Equal(t, quoteAll(r), lines[i+1], "every field is quoted")
	}
}

func quoteAll(fields []string) string {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		quoted[i] = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
	}
	return strings.Join(quoted, ",")
}

func TestGenerateWriteError(t *testing.T) {
	t.Parallel()
	_, err := demo.Generate(failingWriter{}, demo.Options{Contacts: 10})
	require.ErrorIs(t, err, errBroken)
}

var errBroken = errors.New("broken pipe")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errBroken }

func TestWriteManagers(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ms := []demo.Manager{{Name: "Zeynep Kılıç", Email: "zeynep.kilic@satis.example.com.tr"}}
	require.NoError(t, demo.WriteManagers(&buf, ms))
	require.Equal(t, "owner_name,owner_email\nZeynep Kılıç,zeynep.kilic@satis.example.com.tr\n",
		buf.String())
}

func TestScenarioOccursInOutput(t *testing.T) {
	t.Parallel()
	data, ds := generate(t, demo.Options{Seed: 11, Contacts: 5000})
	emails := map[string]bool{}
	mobiles := map[string]string{} // E.164 → a cell it was read from
	for _, r := range parse(t, data) {
		emails[r[colEmail]] = true
		for _, cell := range []string{r[colPhone], r[colMob]} {
			if e164, ok := likelyMobile(cell); ok {
				mobiles[e164] = cell
			}
		}
	}
	sc := ds.Scenario
	require.NotEmpty(t, sc.BounceEmails)
	for _, addr := range sc.BounceEmails {
		require.True(t, emails[addr], "bounce %q not in output", addr)
		require.Equal(t, strings.ToLower(addr), addr)
	}
	require.NotEmpty(t, sc.RejectNumbers)
	require.NotEmpty(t, sc.UndeliveredNumbers)
	for n, code := range sc.RejectNumbers {
		requireMobileCell(t, n, mobiles[n])
		require.Contains(t, []int{21211, 21614}, code)
		require.NotContains(t, sc.UndeliveredNumbers, n)
	}
	for n, code := range sc.UndeliveredNumbers {
		requireMobileCell(t, n, mobiles[n])
		require.Contains(t, []int{30003, 30005, 30006}, code)
	}
	requireShare(t, "rejected mobiles", len(sc.RejectNumbers), len(mobiles), 0.01, 0.035)
	requireShare(t, "undelivered mobiles", len(sc.UndeliveredNumbers), len(mobiles), 0.015, 0.045)
}

// likelyMobile reads a phone cell the quick way: its digits without 00, 90 and
// trunk 0 prefixes, when they are ten and start with 5.
func likelyMobile(cell string) (string, bool) {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, cell)
	d = strings.TrimPrefix(d, "00")
	if len(d) > 10 {
		d = strings.TrimPrefix(d, "90")
	}
	d = strings.TrimPrefix(d, "0")
	return "+90" + d, len(d) == 10 && d[0] == '5'
}

// requireMobileCell checks with libphonenumber (region TR) that cell, from the
// output, is the valid mobile number e164.
func requireMobileCell(t *testing.T, e164, cell string) {
	t.Helper()
	require.NotEmpty(t, cell, "%s not in output", e164)
	n, err := phonenumbers.Parse(cell, "TR")
	require.NoError(t, err, cell)
	require.Equal(t, e164, phonenumbers.Format(n, phonenumbers.E164), cell)
	require.Equal(t, phonenumbers.MOBILE, phonenumbers.GetNumberType(n), cell)
}

func requireShare(t *testing.T, what string, n, of int, lo, hi float64) {
	t.Helper()
	share := float64(n) / float64(of)
	t.Logf("%s: %d of %d (%.2f%%)", what, n, of, 100*share)
	require.GreaterOrEqual(t, share, lo, what)
	require.LessOrEqual(t, share, hi, what)
}

func TestRowShares(t *testing.T) {
	t.Parallel()
	data, _ := generate(t, demo.Options{Seed: 5, Contacts: 20000})
	rows := parse(t, data)
	var noOwner, unsub int
	owners := map[string]map[string]bool{} // plain e-mail → owners
	for _, r := range rows {
		if r[colOwner] == "" {
			noOwner++
		}
		if r[colUnsub] == "true" {
			unsub++
		}
		if plausibleEmail.MatchString(r[colEmail]) {
			if owners[r[colEmail]] == nil {
				owners[r[colEmail]] = map[string]bool{}
			}
			owners[r[colEmail]][r[colOwner]] = true
		}
	}
	requireShare(t, "rows without owner", noOwner, len(rows), 0.005, 0.02)
	requireShare(t, "unsubscribed rows", unsub, len(rows), 0.035, 0.07)
	var twoOwners int
	for _, o := range owners {
		if len(o) > 1 {
			twoOwners++
		}
	}
	require.Positive(t, twoOwners, "some duplicates are filed under two owners")
}

func TestManagersHaveUnevenQuality(t *testing.T) {
	t.Parallel()
	data, ds := generate(t, demo.Options{Seed: 9, Contacts: 20000})
	rows := parse(t, data)
	total, plausible := map[string]int{}, map[string]int{}
	for _, r := range rows {
		total[r[colOwner]]++
		if plausibleEmail.MatchString(r[colEmail]) {
			plausible[r[colOwner]]++
		}
	}
	share := func(m string) float64 { return float64(plausible[m]) / float64(total[m]) }
	const sloppy, careful = "Burak Öztürk", "Zeynep Kılıç"
	minCount, maxCount := len(rows), 0
	for _, m := range ds.Managers {
		t.Logf("%-14s rows %5d plausible e-mail %.1f%%", m.Name, total[m.Name], 100*share(m.Name))
		minCount, maxCount = min(minCount, total[m.Name]), max(maxCount, total[m.Name])
		if m.Name != sloppy {
			require.Less(t, share(sloppy), share(m.Name)-0.15, m.Name)
		}
	}
	require.Greater(t, share(careful), 0.9)
	require.Greater(t, maxCount, 2*minCount, "contact counts are uneven")
}

func TestBouncesAreUneven(t *testing.T) {
	t.Parallel()
	data, ds := generate(t, demo.Options{Seed: 13, Contacts: 20000})
	bounced := map[string]bool{}
	for _, a := range ds.Scenario.BounceEmails {
		bounced[a] = true
	}
	valid, bounces := map[string]int{}, map[string]int{}
	var allValid int
	for _, r := range parse(t, data) {
		if plausibleEmail.MatchString(r[colEmail]) {
			valid[r[colOwner]]++
			allValid++
		}
		if bounced[r[colEmail]] {
			bounces[r[colOwner]]++
		}
	}
	rate := func(m string) float64 { return float64(bounces[m]) / float64(valid[m]) }
	for _, m := range ds.Managers {
		t.Logf("%-14s bounces %4d of %5d plausible (%.1f%%)", m.Name, bounces[m.Name],
			valid[m.Name], 100*rate(m.Name))
	}
	require.Greater(t, rate("Burak Öztürk"), 2*rate("Zeynep Kılıç"))
	requireShare(t, "bounced addresses", len(ds.Scenario.BounceEmails), allValid, 0.015, 0.05)
}

func BenchmarkGenerate(b *testing.B) {
	const contacts = 10_000
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if _, err := demo.Generate(&buf, demo.Options{Seed: 1, Contacts: contacts}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportMetric(float64(contacts*b.N)/b.Elapsed().Seconds(), "rows/s")
}

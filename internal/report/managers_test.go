package report_test

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// sample is a report of two managers and the no-owner line.
func sample(withCampaign bool) report.Managers {
	r := report.Managers{Lines: []store.ManagerQuality{
		{
			OwnerID: 1, Name: "Zeynep Kılıç", Email: "zeynep@satis.example.com",
			Contacts: 3, Complete: 2, ValidEmail: 2, ValidMobile: 1, MedianFixHours: 30,
			OpenFlags: map[string]int{"email_typo_suspected": 1, "phone_not_mobile": 2,
				"email_bounced": 1},
			Channels: map[string]store.ChannelCounts{
				"email": {Planned: 3, Skipped: 1, Sent: 2, Bounced: 1, Failed: 0},
				"sms":   {Planned: 3, Skipped: 2, Sent: 1, Delivered: 1, Bounced: 0, Failed: 0},
			},
		},
		{
			OwnerID: 2, Name: "Emre Çetin", Email: "",
			Contacts: 0, MedianFixHours: -1,
			OpenFlags: map[string]int{}, Channels: map[string]store.ChannelCounts{},
		},
		{
			OwnerID: 0, Contacts: 7, Complete: 7, ValidEmail: 7, ValidMobile: 5,
			MedianFixHours: 72,
			OpenFlags:      map[string]int{"owner_missing": 7},
			Channels: map[string]store.ChannelCounts{
				"email": {Planned: 7, Skipped: 7}, "sms": {Planned: 7, Skipped: 7, Failed: 3},
			},
		},
	}}
	if withCampaign {
		r.Campaign = &store.Campaign{ID: 4, Slug: "spring-sale", Name: "Bahar İndirimi 2027",
			Status: "finished"}
	}
	return r
}

func TestShare(t *testing.T) {
	t.Parallel()
	require.Equal(t, 0.0, report.Share(3, 0), "no division by zero")
	require.Equal(t, 0.5, report.Share(1, 2))
	require.Equal(t, 1.0, report.Share(7, 7))
}

func TestWriteCSV(t *testing.T) {
	t.Parallel()

	read := func(t *testing.T, r report.Managers) [][]string {
		t.Helper()
		var b bytes.Buffer
		require.NoError(t, r.WriteCSV(&b))
		recs, err := csv.NewReader(&b).ReadAll() // also checks every line has as many fields
		require.NoError(t, err)
		return recs
	}
	// field reads a record as header → value.
	field := func(header, rec []string) map[string]string {
		m := map[string]string{}
		for i, h := range header {
			m[h] = rec[i]
		}
		return m
	}

	t.Run("HeaderAndOneLinePerManager", func(t *testing.T) {
		t.Parallel()
		recs := read(t, sample(true))
		require.Len(t, recs, 4)
		require.Equal(t, report.CSVHeader(), recs[0])
		require.Equal(t, []string{"manager", "manager_email", "contacts"}, recs[0][:3])
		for _, rec := range recs {
			require.Len(t, rec, len(recs[0]))
		}
		require.Equal(t, "Zeynep Kılıç", recs[1][0])
		require.Equal(t, "Emre Çetin", recs[2][0])
		require.Equal(t, report.NoOwner, recs[3][0])
		require.Equal(t, "(no owner)", report.NoOwner)
	})

	t.Run("FiguresAndSharesToFourDecimals", func(t *testing.T) {
		t.Parallel()
		recs := read(t, sample(true))
		zeynep := field(recs[0], recs[1])
		require.Equal(t, "zeynep@satis.example.com", zeynep["manager_email"])
		require.Equal(t, "3", zeynep["contacts"])
		require.Equal(t, "2", zeynep["valid_email_count"])
		require.Equal(t, "0.6667", zeynep["valid_email_share"])
		require.Equal(t, "1", zeynep["valid_mobile_count"])
		require.Equal(t, "0.3333", zeynep["valid_mobile_share"])
		require.Equal(t, "1", zeynep["open_email_typo_suspected"])
		require.Equal(t, "2", zeynep["open_phone_not_mobile"])
		require.Equal(t, "1", zeynep["open_email_bounced"])
		require.Equal(t, "0", zeynep["open_duplicate"])
		require.Equal(t, "0.6667", zeynep["complete_share"])
		require.Equal(t, "56.7", zeynep["score"])
		require.Equal(t, "30.0", zeynep["median_fix_hours"])

		emre := field(recs[0], recs[2])
		require.Equal(t, "0.0000", emre["valid_email_share"], "no contacts, no NaN")
		require.Equal(t, "0.0000", emre["valid_mobile_share"])
		require.Equal(t, "", emre["median_fix_hours"], "no fixes, no median")

		none := field(recs[0], recs[3])
		require.Equal(t, "", none["manager_email"])
		require.Equal(t, "1.0000", none["valid_email_share"])
		require.Equal(t, "0.7143", none["valid_mobile_share"])
		require.Equal(t, "7", none["open_owner_missing"])
	})

	t.Run("CampaignColumns", func(t *testing.T) {
		t.Parallel()
		recs := read(t, sample(true))
		zeynep := field(recs[0], recs[1])
		require.Equal(t, map[string]string{
			"campaign": "spring-sale", "email_planned": "3", "email_skipped": "1",
			"email_sent": "2", "email_bounced": "1", "email_failed": "0",
			"sms_planned": "3", "sms_skipped": "2", "sms_sent": "1", "sms_delivered": "1",
			"sms_bounced": "0", "sms_failed": "0",
		}, pick(zeynep, "campaign", "email_", "sms_"))
		none := field(recs[0], recs[3])
		require.Equal(t, "3", none["sms_failed"])
		require.Equal(t, "7", none["email_skipped"])
	})

	t.Run("NoCampaignLeavesCampaignEmpty", func(t *testing.T) {
		t.Parallel()
		recs := read(t, sample(false))
		for _, rec := range recs[1:] {
			require.Equal(t, "", field(recs[0], rec)["campaign"])
		}
	})

	t.Run("HeaderNamesEveryFlagKindOnce", func(t *testing.T) {
		t.Parallel()
		h := report.CSVHeader()
		seen := map[string]bool{}
		for _, name := range h {
			require.False(t, seen[name], "duplicate column %s", name)
			seen[name] = true
		}
		for _, kind := range report.FlagKinds {
			require.True(t, seen["open_"+string(kind)], kind)
		}
		require.Equal(t, "sms_failed", h[len(h)-1])
	})

	t.Run("OnlyHeaderWithoutManagers", func(t *testing.T) {
		t.Parallel()
		recs := read(t, report.Managers{})
		require.Equal(t, [][]string{report.CSVHeader()}, recs)
	})

	t.Run("NamesWithCommasAndQuotesSurvive", func(t *testing.T) {
		t.Parallel()
		r := sample(false)
		r.Lines[0].Name = `Kılıç, "Zeynep"`
		recs := read(t, r)
		require.Equal(t, `Kılıç, "Zeynep"`, recs[1][0])
	})
}

// pick returns the entries of m whose key is one of keys or starts with a key
// ending in "_".
func pick(m map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		for _, key := range keys {
			if k == key || (strings.HasSuffix(key, "_") && strings.HasPrefix(k, key)) {
				out[k] = v
			}
		}
	}
	return out
}

// cells splits a table line into its cells: tabwriter keeps at least two
// spaces between them, while names and headings hold single spaces.
func cells(line string) []string {
	return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
}

func TestWriteTable(t *testing.T) {
	t.Parallel()

	lines := func(t *testing.T, r report.Managers) []string {
		t.Helper()
		var b bytes.Buffer
		require.NoError(t, r.WriteTable(&b))
		return strings.Split(b.String(), "\n")
	}
	// lineOf returns the cells of the first line whose first cell is first.
	lineOf := func(t *testing.T, lines []string, first string) []string {
		t.Helper()
		for _, l := range lines {
			if c := cells(l); c[0] == first {
				return c
			}
		}
		t.Fatalf("no line starts with %q in\n%s", first, strings.Join(lines, "\n"))
		return nil
	}
	// columns reads a line as heading → cell under the header line's headings.
	columns := func(t *testing.T, header, line []string) map[string]string {
		t.Helper()
		require.Len(t, line, len(header), "a cell under every heading: %q", line)
		m := map[string]string{}
		for i, h := range header {
			m[h] = line[i]
		}
		return m
	}

	t.Run("QualityLinePerManager", func(t *testing.T) {
		t.Parallel()
		out := lines(t, sample(true))
		header := cells(out[0])
		require.Equal(t, "Manager", header[0])
		zeynep := columns(t, header, lineOf(t, out, "Zeynep Kılıç"))
		require.Equal(t, "3", zeynep["Contacts"])
		require.Equal(t, "66.7%", zeynep["Valid e-mail"])
		require.Equal(t, "33.3%", zeynep["Valid mobile"])
		require.Equal(t, "4", zeynep["Open flags"])
		require.Equal(t, "56.7", zeynep["Score"])
		require.Equal(t, "30h", zeynep["Median fix"])

		emre := columns(t, header, lineOf(t, out, "Emre Çetin"))
		require.Equal(t, "0", emre["Contacts"])
		require.Equal(t, "0.0%", emre["Valid e-mail"], "no contacts, no NaN")
		require.Equal(t, "0.0", emre["Score"])
		require.Equal(t, "-", emre["Median fix"])

		none := columns(t, header, lineOf(t, out, report.NoOwner))
		require.Equal(t, "7", none["Contacts"])
		require.Equal(t, "100.0%", none["Valid e-mail"])
		require.Equal(t, "71.4%", none["Valid mobile"])
		require.Equal(t, "7", none["Open flags"])
		require.Equal(t, "3d", none["Median fix"])
	})

	t.Run("OpenFlagsByKind", func(t *testing.T) {
		t.Parallel()
		out := lines(t, sample(true))
		require.Equal(t, []string{"Open flags by kind", "Zeynep Kılıç", "Emre Çetin",
			"(no owner)"}, lineOf(t, out, "Open flags by kind"))
		for _, kind := range report.FlagKinds {
			require.Len(t, lineOf(t, out, string(kind)), 4, kind)
		}
		require.Equal(t, []string{"phone_not_mobile", "2", "0", "0"},
			lineOf(t, out, "phone_not_mobile"))
		require.Equal(t, []string{"owner_missing", "0", "0", "7"}, lineOf(t, out, "owner_missing"))
	})

	t.Run("LastCampaignPerChannel", func(t *testing.T) {
		t.Parallel()
		out := lines(t, sample(true))
		require.Contains(t, out, "Last campaign: Bahar İndirimi 2027 (spring-sale, finished)")
		// After the campaign heading, each manager's line holds its counts.
		var after []string
		for i, l := range out {
			if strings.HasPrefix(l, "Last campaign:") {
				after = out[i:]
			}
		}
		require.Equal(t, []string{"Manager", "E-mail sent", "bounced", "skipped", "SMS sent",
			"delivered", "bounced", "skipped"}, lineOf(t, after, "Manager"))
		require.Equal(t, []string{"Zeynep Kılıç", "2", "1", "1", "1", "1", "0", "2"},
			lineOf(t, after, "Zeynep Kılıç"))
		require.Equal(t, []string{"Emre Çetin", "0", "0", "0", "0", "0", "0", "0"},
			lineOf(t, after, "Emre Çetin"))
		require.Equal(t, []string{"(no owner)", "0", "0", "7", "0", "0", "0", "7"},
			lineOf(t, after, "(no owner)"))
	})

	t.Run("NoCampaignYet", func(t *testing.T) {
		t.Parallel()
		out := lines(t, sample(false))
		require.Contains(t, out, "No campaign launched yet.")
		for _, l := range out {
			require.NotContains(t, l, "Last campaign")
		}
	})
}

func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	names := []string{"=HYPERLINK(\"http://x\",\"a\")", "+1", "-2+3", "@SUM(1)", "\tTab",
		"\rCR"}
	var r report.Managers
	for i, n := range names {
		r.Lines = append(r.Lines, store.ManagerQuality{OwnerID: int64(i + 1), Name: n,
			Email: n, MedianFixHours: -1, OpenFlags: map[string]int{},
			Channels: map[string]store.ChannelCounts{}})
	}
	r.Lines = append(r.Lines, store.ManagerQuality{OwnerID: 99, Name: "Zeynep Kılıç",
		Email: "zeynep@satis.example.com", MedianFixHours: -1})
	r.Campaign = &store.Campaign{Slug: "=cmd"}
	var b bytes.Buffer
	require.NoError(t, r.WriteCSV(&b))
	recs, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, len(names)+2)
	for i, n := range names {
		rec := recs[i+1]
		require.Equal(t, "'"+n, rec[0], "name %q", n)
		require.Equal(t, "'"+n, rec[1], "e-mail %q", n)
		require.Equal(t, "'=cmd", rec[len(report.CSVHeader())-12])
	}
	for i, n := range names {
		require.Equal(t, n, report.PlainText(recs[i+1][0]), "round trip of %q", n)
	}
	require.Equal(t, "'quoted", report.PlainText("'quoted"))
	plain := recs[len(recs)-1]
	require.Equal(t, "Zeynep Kılıç", plain[0], "a plain name is left alone")
	require.Equal(t, "zeynep@satis.example.com", plain[1])
}

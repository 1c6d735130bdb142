package cli_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/cli"
)

// bounceLine is one line `crier bounces parse` prints.
type bounceLine struct {
	File      string `json:"file"`
	Recipient string `json:"recipient"`
	Class     string `json:"class"`
	Reason    string `json:"reason"`
	Status    string `json:"status"`
	MessageID string `json:"message_id"`
}

// parseBounces runs `crier bounces parse` on paths.
func parseBounces(t *testing.T, paths ...string) (code int, lines []bounceLine, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(t.Context(), append([]string{"bounces", "parse"}, paths...),
		cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if l == "" {
			continue
		}
		var b bounceLine
		require.NoError(t, json.Unmarshal([]byte(l), &b), l)
		lines = append(lines, b)
	}
	return code, lines, errOut.String()
}

const bounceData = "../bounce/testdata/"

func TestBouncesParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		paths []string
		want  []bounceLine
	}{
		{"PostfixDSN", []string{"postfix_user_unknown.eml"}, []bounceLine{{"postfix_user_unknown.eml",
			"deniz.kaya@example.net", "hard", "user_unknown", "5.1.1", "<crier.1042.k3j9x2@shop.example>"}}},
		{"ComplaintAndAutoReply", []string{"arf_complaint.eml", "out_of_office.eml"}, []bounceLine{
			{"arf_complaint.eml", "cem.sahin@isp.example", "complaint", "abuse", "",
				"<crier.1049.cc5d6e@shop.example>"},
			{"out_of_office.eml", "elif.korkmaz@example.com", "not_a_bounce", "auto_reply", "",
				"<crier.1050.dd6e7f@shop.example>"},
		}},
		{"Mbox", []string{"two.mbox"}, []bounceLine{
			{"two.mbox", "irem@example.org", "hard", "host_unknown", "5.1.2", "<crier.1055.ii1d2e@shop.example>"},
			{"two.mbox", "elif.korkmaz@example.com", "not_a_bounce", "auto_reply", "",
				"<crier.1056.jj2e3f@shop.example>"},
		}},
		{"Maildir", []string{"maildir"}, []bounceLine{
			{"1772950000.M2P2.host", "sevgi@example.net", "hard", "user_unknown", "5.1.1",
				"<crier.1057.kk3f4a@shop.example>"},
			{"1772960000.M1P1.host", "", "not_a_bounce", "not_bounce", "", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			paths := make([]string, len(tt.paths))
			for i, p := range tt.paths {
				paths[i] = bounceData + p
			}
			code, lines, stderr := parseBounces(t, paths...)
			require.Equal(t, 0, code, stderr)
			require.Empty(t, stderr)
			require.Equal(t, tt.want, lines)
		})
	}
}

func TestBouncesParseMissingFileGoesOn(t *testing.T) {
	t.Parallel()
	code, lines, stderr := parseBounces(t, bounceData+"missing.eml", bounceData+"ordinary.eml")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "missing.eml")
	require.Equal(t, []bounceLine{{"ordinary.eml", "", "not_a_bounce", "not_bounce", "", ""}}, lines)
}

func TestBouncesParseKeepsFieldOrder(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	code := cli.Run(t.Context(), []string{"bounces", "parse", bounceData + "ordinary.eml"},
		cli.Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
	require.Equal(t, 0, code)
	require.Equal(t, `{"file":"ordinary.eml","recipient":"","class":"not_a_bounce","reason":"not_bounce",`+
		`"status":"","message_id":""}`+"\n", out.String())
}

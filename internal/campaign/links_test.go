package campaign_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/campaign"
)

func TestUnsubscribeLinks(t *testing.T) {
	t.Parallel()
	links := campaign.NewLinks("https://crier.example.com/", []byte("key-one"))
	const prefix = "https://crier.example.com/u/"

	t.Run("TokenRoundTrips", func(t *testing.T) {
		t.Parallel()
		for _, id := range []int64{1, 42, 1 << 40} {
			u := links.Unsubscribe(id)
			require.True(t, strings.HasPrefix(u, prefix), u)
			token := strings.TrimPrefix(u, prefix)
			require.True(t, strings.HasPrefix(token, strconv.FormatInt(id, 10)+"."), token)
			got, ok := links.ParseToken(token)
			require.True(t, ok)
			require.Equal(t, id, got)
			require.Equal(t, u, links.Unsubscribe(id), "links are stable")
		}
	})

	t.Run("TamperedTokensAreRefused", func(t *testing.T) {
		t.Parallel()
		token := strings.TrimPrefix(links.Unsubscribe(42), prefix)
		id, sig, ok := strings.Cut(token, ".")
		require.True(t, ok)
		other := campaign.NewLinks("https://crier.example.com", []byte("key-two"))
		flipped := []byte(sig)
		flipped[0] ^= 1
		for name, bad := range map[string]string{
			"OtherID":          "43." + sig,
			"ChangedSignature": id + "." + string(flipped),
			"NoSignature":      id,
			"EmptySignature":   id + ".",
			"Empty":            "",
			"ExtraText":        token + "x",
			"PrefixedID":       "0" + token,
			"OtherKey":         strings.TrimPrefix(other.Unsubscribe(42), prefix),
			"SignatureOnly":    "." + sig,
		} {
			n, ok := links.ParseToken(bad)
			require.False(t, ok, "%s: %q accepted", name, bad)
			require.Zero(t, n, name)
		}
	})

	t.Run("ListUnsubscribeHeaders", func(t *testing.T) {
		t.Parallel()
		h := links.ListUnsubscribe(7)
		require.Equal(t, map[string]string{
			"List-Unsubscribe":      "<" + links.Unsubscribe(7) + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		}, h)
		require.True(t, strings.HasPrefix(h["List-Unsubscribe"], "<"+prefix+"7."))
	})
}

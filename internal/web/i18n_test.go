package web

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/report"
	"github.com/crier-dev/crier/internal/store"
)

// TestEveryTextHasBothLanguages checks the keys pages build at run time:
// flag kinds, quick picks, roles, columns and the notices after an action.
func TestEveryTextHasBothLanguages(t *testing.T) {
	t.Parallel()
	var keys []string
	for _, k := range report.FlagKinds {
		keys = append(keys, "kind."+string(k))
	}
	for _, p := range []string{pickLeft, pickNumberChanged, pickNoEmail, pickNotABounce} {
		keys = append(keys, "pick."+p, "done."+p)
	}
	for _, r := range store.Roles {
		keys = append(keys, "role."+r)
	}
	for _, c := range sortColumns {
		keys = append(keys, "col."+c)
	}
	for _, a := range []string{"launch", "pause", "resume", "cancel", "test", "fixed", "saved"} {
		keys = append(keys, "done."+a)
	}
	for _, code := range []string{"403", "404", "500"} {
		keys = append(keys, "error."+code)
	}
	for _, key := range keys {
		pair, ok := messages[key]
		require.True(t, ok, "no text for %s", key)
		require.NotEmpty(t, pair[0], key)
		require.NotEmpty(t, pair[1], key)
	}
	for en, tr := range details {
		require.NotEqual(t, en, tr)
	}
	require.Equal(t, "3 / 5 düzeltildi", translate("tr", "flags.fixed_of", 3, 5))
	require.Equal(t, "no.such.key", translate("en", "no.such.key"))
}

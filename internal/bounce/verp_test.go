package bounce

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVERPRoundTrip(t *testing.T) {
	t.Parallel()
	v := NewVERP("Bounce.Example.com.tr", []byte("key"))
	for _, id := range []int64{1, 42, 1 << 40} {
		rp := v.ReturnPath(id)
		require.True(t, strings.HasPrefix(rp, "bounces+"), rp)
		require.True(t, strings.HasSuffix(rp, "@bounce.example.com.tr"), rp)
		got, ok := v.MessageID(rp)
		require.True(t, ok, rp)
		require.Equal(t, id, got)

		got, ok = v.MessageID("<" + strings.ToUpper(rp) + ">")
		require.True(t, ok, "servers may upper-case and bracket the address")
		require.Equal(t, id, got)
	}
}

func TestVERPRefusesForgeries(t *testing.T) {
	t.Parallel()
	v := NewVERP("bounce.example.com", []byte("key"))
	other := NewVERP("bounce.example.com", []byte("other key"))
	rp := v.ReturnPath(7)
	local, _, _ := strings.Cut(rp, "@")
	for _, addr := range []string{
		other.ReturnPath(7),                  // signed with another key
		local + "@elsewhere.example",         // foreign domain
		strings.Replace(rp, "+7-", "+8-", 1), // another message, same signature
		"bounces+7@bounce.example.com",       // no signature
		"postmaster@bounce.example.com",
		"",
	} {
		_, ok := v.MessageID(addr)
		require.False(t, ok, addr)
	}
	var none *VERP
	require.Empty(t, none.ReturnPath(7), "no bounce domain, no return path")
	_, ok := none.MessageID(rp)
	require.False(t, ok)
}

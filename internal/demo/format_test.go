package demo

import (
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/require"
)

func TestMobileFormatsParseBack(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"5010123456", "5320000000", "5459876543", "5550123456", "5590999999"} {
		for f := range 14 {
			cell := formatMobile(n, f)
			num, err := phonenumbers.Parse(cell, "TR")
			require.NoError(t, err, cell)
			require.Equal(t, "+90"+n, phonenumbers.Format(num, phonenumbers.E164), cell)
			require.Equal(t, phonenumbers.MOBILE, phonenumbers.GetNumberType(num), cell)
		}
	}
}

func TestLandlineFormats(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"2125551234", "2165550000", "3125559876", "2325554321"} {
		for f := range 8 {
			cell := formatLandline(n, f, "12")
			num, err := phonenumbers.Parse(cell, "TR")
			if f == 2 { // "dahili 12": an extension libphonenumber does not read
				require.Contains(t, cell, " dahili 12")
				continue
			}
			require.NoError(t, err, cell)
			require.Equal(t, "+90"+n, phonenumbers.Format(num, phonenumbers.E164), cell)
			require.Equal(t, phonenumbers.FIXED_LINE, phonenumbers.GetNumberType(num), cell)
		}
	}
}

func TestBadPhonesAreInvalid(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		cell := badPhone(rng, "5321234567")
		num, err := phonenumbers.Parse(cell, "TR")
		require.False(t, err == nil && phonenumbers.IsValidNumber(num), cell)
	}
}

func TestMobilePrefixesAndSubscribersAreMobile(t *testing.T) {
	t.Parallel()
	g := newGenerator(Options{Seed: 1, Contacts: 10})
	seen := map[string]bool{}
	for _, prefix := range g.weights.prefixList {
		n := prefix + g.mobiles.next()
		require.False(t, seen[n])
		seen[n] = true
		num, err := phonenumbers.Parse("0"+n, "TR")
		require.NoError(t, err)
		require.Equal(t, phonenumbers.MOBILE, phonenumbers.GetNumberType(num), n)
		require.Equal(t, byte('0'), n[3], "fictional subscriber numbers start with 0")
	}
}

func TestMobileSeqIsUnique(t *testing.T) {
	t.Parallel()
	s := newMobileSeq(rand.New(rand.NewPCG(3, 4)))
	seen := make(map[string]bool, 100_000)
	for range 100_000 {
		v := s.next()
		require.Len(t, v, 7)
		require.False(t, seen[v], v)
		seen[v] = true
	}
}

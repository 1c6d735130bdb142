package contact

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRegionFromCountry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"TR", "TR"},
		{"tr", "TR"},
		{"Türkiye", "TR"},
		{"TÜRKİYE", "TR"},
		{"TURKIYE", "TR"},
		{"Turkey", "TR"},
		{" turkey ", "TR"},
		{"Germany", "DE"},
		{"Deutschland", "DE"},
		{"Almanya", "DE"},
		{"DE", "DE"},
		{"UK", "GB"},
		{"United Kingdom", "GB"},
		{"İngiltere", "GB"},
		{"USA", "US"},
		{"ABD", "US"},
		{"NL", "NL"},
		{"İstanbul", ""},
		{"Ankara", ""},
		{"XX", ""},
		{"", ""},
		{"-", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, RegionFromCountry(tc.in))
		})
	}
}

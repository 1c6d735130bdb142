package contact

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIsPlaceholder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{"   ", true},
		{"\t\u00a0\u200b\ufeff", true},
		{"yok", true},
		{"Yok", true},
		{"YOK", true},
		{" yok ", true},
		{"-", true},
		{"bilinmiyor", true},
		{"BİLİNMİYOR", true},
		{"[not provided]", true},
		{"n/a", true},
		{"N/A", true},
		{"Yoksul", false},
		{"Deniz", false},
		{"0", false},
		{"0532 123 45 67", false},
		{"deniz@example.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, IsPlaceholder(tc.in))
		})
	}
}

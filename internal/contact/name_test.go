package contact

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTitleCaseTR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"İBRAHİM", "İbrahim"},
		{"IŞIK", "Işık"},
		{"ŞÜKRÜ", "Şükrü"},
		{"aksoy", "Aksoy"},
		{"ılgaz", "Ilgaz"},
		{"ismail", "İsmail"},
		{"ÇAĞLAR GÜNDOĞDU", "Çağlar Gündoğdu"},
		{"AYŞE-NUR", "Ayşe-Nur"},
		{"ahmet'in", "Ahmet'in"},
		{"I\u0307BRAHI\u0307M", "İbrahim"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, TitleCaseTR(tc.in))
		})
	}
}

func TestFoldTR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b  string
		equal bool
	}{
		{"Emre Çetin", "  EMRE   ÇETİN ", true},
		{"İpek Doğan", "ipek doğan", true},
		{"Işık", "IŞIK", true},
		{"Işık", "ışık", true},
		{"Zeynep Kılıç", "zeynep\u00a0kılıç\u200b", true},
		{"İpek", "I\u0307PEK", true},
		{"Işık", "isik", false},
		{"Kılıç", "KILIÇ", true},
		{"Kılıç", "KİLİÇ", false},
	}
	for _, tc := range tests {
		t.Run(tc.a+"/"+tc.b, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.equal, FoldTR(tc.a) == FoldTR(tc.b), "%q vs %q", FoldTR(tc.a), FoldTR(tc.b))
		})
	}
	require.Equal(t, "emre çetin", FoldTR("  EMRE   ÇETİN "))
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"  Şahin ", "Şahin"},
		{"ateş", "Ateş"},
		{"YILMAZ", "Yılmaz"},
		{"Ayşe  NUR", "Ayşe Nur"},
		{"McKenzie", "McKenzie"},
		{"Y.", "Y."},
		{"[not provided]", ""},
		{"-", ""},
		{"bilinmiyor", ""},
		{"\u00a0", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, normalizeName(tc.in))
		})
	}
}

func TestSplitFullName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, first, last string
	}{
		{" hasan  Tuncer ", "Hasan", "Tuncer"},
		{"Ümran Su Çakır", "Ümran Su", "Çakır"},
		{"Nesrin YILMAZ", "Nesrin", "Yılmaz"},
		{"Deniz", "Deniz", ""},
		{"yok", "", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			first, last := splitFullName(tc.in)
			require.Equal(t, tc.first, first)
			require.Equal(t, tc.last, last)
		})
	}
}

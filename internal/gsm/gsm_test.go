package gsm

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTablesHaveTheirSizes(t *testing.T) {
	t.Parallel()
	// 128 positions less the escape.
	require.Equal(t, 127, len([]rune(defaultBasic)))
	require.Equal(t, 127, len([]rune(turkishLocking)))
	for _, r := range "ŞşĞğİıç€" {
		require.Contains(t, turkishLocking+turkishSingle, string(r))
	}
}

func TestBest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		text     string
		enc      Encoding
		units    int
		segments int
	}{
		{"PlainASCII160", strings.Repeat("a", 160), GSM7, 160, 1},
		{"PlainASCII161", strings.Repeat("a", 161), GSM7, 161, 2},
		{"Concatenated306", strings.Repeat("a", 306), GSM7, 306, 2},
		{"Concatenated307", strings.Repeat("a", 307), GSM7, 307, 3},
		{"ExtensionCostsTwo", strings.Repeat("a", 158) + "€", GSM7, 160, 1},
		{"ExtensionNotSplit", strings.Repeat("a", 152) + "{" + strings.Repeat("a", 10), GSM7, 164, 2},
		{"ÖÜÇInDefault", "Öğle? Hayır: ÖÜÇ öü", GSM7TurkishSingle, 21, 1},
		{"TurkishSingleShift", "Şubat indirimi", GSM7TurkishSingle, 15, 1},
		// 150 letters with ş: single shift costs 2 each (300 septets, 3
		// segments); locking costs 1 (150 septets, 1 segment).
		{"LockingWhenMany", strings.Repeat("ş", 150), GSM7TurkishLocking, 150, 1},
		{"UCS2ForEmoji", "İndirim 🎉", UCS2, 10, 1},
		{"UCS2Long", strings.Repeat("я", 71), UCS2, 71, 2},
		{"UCS2Concatenated", strings.Repeat("я", 134), UCS2, 134, 2},
		{"UCS2Concatenated135", strings.Repeat("я", 135), UCS2, 135, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Best(tt.text)
			require.Equal(t, tt.enc, c.Encoding)
			require.Equal(t, tt.units, c.Units)
			require.Equal(t, tt.segments, c.Segments)
		})
	}
}

func TestAllAndCountAs(t *testing.T) {
	t.Parallel()
	text := "Sayın Ayşe, bahar indirimi başladı: tüm ürünlerde %30. Ret için RET yazın."
	all := All(text)
	var encs []Encoding
	for _, c := range all {
		encs = append(encs, c.Encoding)
	}
	require.Equal(t, []Encoding{GSM7TurkishSingle, GSM7TurkishLocking, UCS2}, encs,
		"ı and ş are not in the default alphabet")
	require.Equal(t, UCS2, CountAs(text, GSM7).Encoding, "a text that does not fit falls back")
	require.Equal(t, 2, CountAs(text, UCS2).Segments, "75 characters are two UCS-2 messages")
	require.Equal(t, 1, Best(text).Segments)
}

func TestTransliterate(t *testing.T) {
	t.Parallel()
	got := Transliterate("Şule Işık, İstanbul'da ağaç dikiyor; Çağrı Öztürk âlâ")
	require.Equal(t, "Sule Isik, Istanbul'da agac dikiyor; Çagri Öztürk ala", got)
	require.Equal(t, GSM7, Best(got).Encoding)
}

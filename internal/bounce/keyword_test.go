package bounce

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSMSKeyword(t *testing.T) {
	t.Parallel()
	tests := map[string]Keyword{
		"STOP": OptOutKeyword, "stop": OptOutKeyword, " Stop. ": OptOutKeyword,
		"iptal": OptOutKeyword, "İPTAL": OptOutKeyword, "İptal": OptOutKeyword,
		"IPTAL": OptOutKeyword, "ret": OptOutKeyword, "RET!": OptOutKeyword,
		"quit":  OptOutKeyword, // Turkish upper case makes it QUİT
		"START": OptInKeyword, "start": OptInKeyword, "başla": OptInKeyword,
		"BAŞLA": OptInKeyword, "Basla": OptInKeyword, "BASLA": OptInKeyword,
		"ıptal":           OptOutKeyword, // dotless ı upper-cases to I
		"stop calling me": NoKeyword, "": NoKeyword, "merhaba": NoKeyword,
	}
	for body, want := range tests {
		require.Equal(t, want, SMSKeyword(body), "%q", body)
	}
}

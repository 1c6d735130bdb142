package bounce

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path string
		names      []string
		indexes    []int
	}{
		{"SingleEML", "testdata/ordinary.eml", []string{"ordinary.eml"}, []int{0}},
		{"MboxOfTwo", "testdata/two.mbox", []string{"two.mbox", "two.mbox"}, []int{1, 2}},
		{"MaildirCurThenNew", "testdata/maildir",
			[]string{"1772950000.M2P2.host", "1772960000.M1P1.host"}, []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, err := ReadMessages(tt.path)
			require.NoError(t, err)
			var names []string
			var indexes []int
			for _, m := range msgs {
				names, indexes = append(names, m.Name), append(indexes, m.Index)
			}
			require.Equal(t, tt.names, names)
			require.Equal(t, tt.indexes, indexes)
		})
	}
}

func TestReadMessagesUnquotesMboxrd(t *testing.T) {
	t.Parallel()
	msgs, err := ReadMessages("testdata/two.mbox")
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	require.Contains(t, string(msgs[0].Data), "\nFrom the spring catalogue")
	require.NotContains(t, string(msgs[0].Data), ">From the spring")
}

func TestReadMessagesEMLWithFromLineIsOneMessage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "quoted.eml")
	body := "From MAILER-DAEMON Mon Mar  9 10:00:00 2026\nFrom: a@example.com\nSubject: x\n\n" +
		"quoted:\n\nFrom someone@example.org Mon Mar  9 09:00:00 2026\nhello\n"
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	msgs, err := ReadMessages(path)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
}

func TestReadMessagesMissingFileNamesIt(t *testing.T) {
	t.Parallel()
	_, err := ReadMessages("testdata/no-such-file.eml")
	require.ErrorIs(t, err, os.ErrNotExist)
	require.Contains(t, err.Error(), "no-such-file.eml")
}

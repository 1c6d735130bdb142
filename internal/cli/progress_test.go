package cli

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProgressBar(t *testing.T) {
	t.Parallel()
	require.Equal(t, "[··········]", progressBar(0, 10))
	require.Equal(t, "[█████·····]", progressBar(0.5, 10))
	require.Equal(t, "[██████████]", progressBar(1.2, 10))
}

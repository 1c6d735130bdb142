package web

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCachedCertsFetchesOncePerURL(t *testing.T) {
	t.Parallel()
	fetches := 0
	certs := cachedCerts(func(_ context.Context, url string) (*x509.Certificate, error) {
		fetches++
		if url == "bad" {
			return nil, errors.New("unreachable")
		}
		return &x509.Certificate{}, nil
	})
	for range 3 {
		_, err := certs(t.Context(), "a")
		require.NoError(t, err)
	}
	_, err := certs(t.Context(), "bad")
	require.Error(t, err)
	_, err = certs(t.Context(), "bad")
	require.Error(t, err, "a failed fetch is not cached")
	require.Equal(t, 3, fetches)
}

func TestCheckSNSURL(t *testing.T) {
	t.Parallel()
	require.NoError(t, checkSNSURL("https://sns.eu-west-1.amazonaws.com/cert.pem"))
	require.NoError(t, checkSNSURL("https://sns.cn-north-1.amazonaws.com.cn/cert.pem"))
	for _, bad := range []string{"http://sns.eu-west-1.amazonaws.com/cert.pem",
		"https://sns.eu-west-1.amazonaws.com.evil.example/c.pem", "https://evil.example/sns.pem",
		"https://s3.amazonaws.com/cert.pem", ""} {
		require.Error(t, checkSNSURL(bad), bad)
	}
}

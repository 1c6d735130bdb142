package app_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/app"
	"github.com/crier-dev/crier/internal/config"
)

func TestSettingsNeverShowSecrets(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(func(name string) string {
		return map[string]string{
			"CRIER_SMTP_URL":     "smtps://mailer:s3cret-pass@smtp.example.com:465",
			"TWILIO_ACCOUNT_SID": "AC1234567890abcdef1234567890abcdef",
			"TWILIO_AUTH_TOKEN":  "tok-very-secret",
			"TWILIO_API_URL":     "https://api.twilio.com",
			"CRIER_SECRET_KEY":   "signing-key-secret",
		}[name]
	})
	require.NoError(t, err)
	settings := app.Settings(cfg)
	text := fmt.Sprint(settings)
	for _, secret := range []string{"s3cret-pass", "mailer", "tok-very-secret",
		"AC1234567890abcdef1234567890abcdef", "signing-key-secret"} {
		require.NotContains(t, text, secret)
	}
	status := map[string]string{}
	for _, s := range settings {
		status[s.Name] = s.Status
	}
	require.Equal(t, "smtps://smtp.example.com:465, with credentials", status["CRIER_SMTP_URL"])
	require.Equal(t, "set", status["TWILIO_AUTH_TOKEN"])
	require.Equal(t, "https://api.twilio.com", status["TWILIO_API_URL"])

	dev, err := config.Load(func(string) string { return "" })
	require.NoError(t, err)
	for _, s := range app.Settings(dev) {
		if s.Name == "TWILIO_AUTH_TOKEN" {
			require.Equal(t, "development default (devsink)", s.Status)
		}
	}
}

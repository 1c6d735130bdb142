package config_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/config"
)

func TestLoadFeedback(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env(map[string]string{
		"CRIER_BOUNCE_DOMAIN":         "Bounce.Firma.com.tr",
		"CRIER_SOFT_BOUNCE_LIMIT":     "5",
		"CRIER_SOFT_BOUNCE_DAYS":      "14",
		"CRIER_SES_TOPIC_ARNS":        "arn:aws:sns:eu-west-1:1:a, arn:aws:sns:eu-west-1:1:b",
		"CRIER_POSTMARK_WEBHOOK_AUTH": "pm:secret",
		"CRIER_MAILGUN_SIGNING_KEY":   "mg-key",
		"CRIER_METRICS_ADDR":          "off",
	}))
	require.NoError(t, err)
	require.Equal(t, config.Feedback{
		BounceDomain:    "bounce.firma.com.tr",
		InboundSMTPAddr: "127.0.0.1:2526", // a bounce domain turns the receiver on
		SoftBounceLimit: 5, SoftBounceDays: 14,
		SESTopicARNs:      []string{"arn:aws:sns:eu-west-1:1:a", "arn:aws:sns:eu-west-1:1:b"},
		PostmarkAuth:      "pm:secret",
		MailgunSigningKey: "mg-key",
	}, cfg.Feedback)
	require.NotContains(t, cfg.String(), "secret")
	require.NotContains(t, cfg.String(), "mg-key")
}

func TestFeedbackErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	_, err := config.Load(env(map[string]string{
		"CRIER_BOUNCE_DOMAIN":         "bounces@firma.com.tr",
		"CRIER_SOFT_BOUNCE_LIMIT":     "0",
		"CRIER_POSTMARK_WEBHOOK_AUTH": "nocolon",
	}))
	require.ErrorContains(t, err, "CRIER_BOUNCE_DOMAIN")
	require.ErrorContains(t, err, "CRIER_SOFT_BOUNCE_LIMIT")
	require.ErrorContains(t, err, "CRIER_POSTMARK_WEBHOOK_AUTH")
}

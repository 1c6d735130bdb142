package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/config"
)

// env returns a getenv over vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, config.Config{
		DatabaseURL:   "postgres://postgres@127.0.0.1:5432/crier?sslmode=disable",
		RedisURL:      "redis://127.0.0.1:6379/0",
		SMTPURL:       "smtp://127.0.0.1:2525",
		MailFrom:      "kampanya@example.com.tr",
		HTTPAddr:      "127.0.0.1:8080",
		PublicURL:     "http://127.0.0.1:8080",
		DefaultRegion: "TR",
		Concurrency:   20,
		RelayInterval: 2 * time.Second,
		QueuePrefix:   "crier:",
		SecretKey:     config.DevSecretKey,
		Twilio: config.Twilio{
			AccountSID: config.DevAccountSID,
			AuthToken:  config.DevAuthToken,
			From:       "CRIER",
			APIURL:     "http://127.0.0.1:8026",
		},
		Feedback: config.Feedback{SoftBounceLimit: 3, SoftBounceDays: 30,
			MetricsAddr: "127.0.0.1:9101"},
	}, cfg)
}

func TestLoadEveryVariableOverrides(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		"CRIER_DATABASE_URL":           "postgresql://crier:pw@db.internal:5433/prod",
		"CRIER_REDIS_URL":              "rediss://:pw@cache.internal:6380/2",
		"CRIER_SMTP_URL":               "smtps://mailer:pw@smtp.internal:465",
		"CRIER_MAIL_FROM":              "satis@firma.com.tr",
		"CRIER_HTTP_ADDR":              "0.0.0.0:9000",
		"CRIER_PUBLIC_URL":             "https://crier.firma.com.tr/",
		"CRIER_DEFAULT_REGION":         " de ",
		"CRIER_WORKER_CONCURRENCY":     "3",
		"CRIER_SMTP_RATE":              "200",
		"CRIER_SMS_RATE":               "30",
		"CRIER_RELAY_INTERVAL":         "750ms",
		"CRIER_QUEUE_PREFIX":           "prod:",
		"CRIER_SECRET_KEY":             "s3cret",
		"TWILIO_ACCOUNT_SID":           "AC11111111111111111111111111111111",
		"TWILIO_AUTH_TOKEN":            "tok",
		"TWILIO_FROM":                  "+905550000000",
		"TWILIO_MESSAGING_SERVICE_SID": "MG22222222222222222222222222222222",
		"TWILIO_API_URL":               "https://api.twilio.com",
	}
	cfg, err := config.Load(env(vars))
	require.NoError(t, err)
	require.Equal(t, config.Config{
		DatabaseURL:   vars["CRIER_DATABASE_URL"],
		RedisURL:      vars["CRIER_REDIS_URL"],
		SMTPURL:       vars["CRIER_SMTP_URL"],
		MailFrom:      "satis@firma.com.tr",
		HTTPAddr:      "0.0.0.0:9000",
		PublicURL:     "https://crier.firma.com.tr",
		DefaultRegion: "DE",
		Concurrency:   3,
		SMTPRate:      200,
		SMSRate:       30,
		RelayInterval: 750 * time.Millisecond,
		QueuePrefix:   "prod:",
		SecretKey:     "s3cret",
		Twilio: config.Twilio{
			AccountSID:          "AC11111111111111111111111111111111",
			AuthToken:           "tok",
			From:                "+905550000000",
			MessagingServiceSID: "MG22222222222222222222222222222222",
			APIURL:              "https://api.twilio.com",
		},
		Feedback: config.Feedback{SoftBounceLimit: 3, SoftBounceDays: 30,
			MetricsAddr: "127.0.0.1:9101"},
	}, cfg)
}

func TestPublicURLFollowsHTTPAddr(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env(map[string]string{"CRIER_HTTP_ADDR": "10.0.0.5:8181"}))
	require.NoError(t, err)
	require.Equal(t, "http://10.0.0.5:8181", cfg.PublicURL)
}

func TestSecretsFromFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
		return path
	}

	t.Run("FileWinsOverVariableAndIsTrimmed", func(t *testing.T) {
		t.Parallel()
		cfg, err := config.Load(env(map[string]string{
			"CRIER_SMTP_URL":         "smtp://ignored:1",
			"CRIER_SMTP_URL_FILE":    write("smtp", "smtps://u:from-file@smtp.example.com:465\n"),
			"CRIER_SECRET_KEY_FILE":  write("key", "  key-from-file\n"),
			"TWILIO_AUTH_TOKEN_FILE": write("token", "token-from-file\r\n"),
		}))
		require.NoError(t, err)
		require.Equal(t, "smtps://u:from-file@smtp.example.com:465", cfg.SMTPURL)
		require.Equal(t, "key-from-file", cfg.SecretKey)
		require.Equal(t, "token-from-file", cfg.Twilio.AuthToken)
	})

	for _, name := range []string{"CRIER_SMTP_URL", "CRIER_SECRET_KEY", "TWILIO_AUTH_TOKEN"} {
		t.Run("MissingFileNames"+name+"_FILE", func(t *testing.T) {
			t.Parallel()
			missing := filepath.Join(dir, "missing-"+name)
			_, err := config.Load(env(map[string]string{name + "_FILE": missing}))
			require.ErrorContains(t, err, name+"_FILE")
			require.ErrorContains(t, err, missing)
		})
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		vars  map[string]string
		wants []string
	}{
		{"DatabaseURLScheme", map[string]string{"CRIER_DATABASE_URL": "mysql://db:3306/crier"},
			[]string{"CRIER_DATABASE_URL", "postgres or postgresql"}},
		{"DatabaseURLWithoutHost", map[string]string{"CRIER_DATABASE_URL": "postgres:///crier"},
			[]string{"CRIER_DATABASE_URL"}},
		{"DatabaseDSNIsNotAURL", map[string]string{"CRIER_DATABASE_URL": "host=db dbname=crier"},
			[]string{"CRIER_DATABASE_URL"}},
		{"RedisURLScheme", map[string]string{"CRIER_REDIS_URL": "http://cache:6379"},
			[]string{"CRIER_REDIS_URL", "redis or rediss"}},
		{"SMTPURLScheme", map[string]string{"CRIER_SMTP_URL": "http://mail:25"},
			[]string{"CRIER_SMTP_URL", "smtp or smtps"}},
		{"SMTPURLBareHost", map[string]string{"CRIER_SMTP_URL": "mail.example.com:25"},
			[]string{"CRIER_SMTP_URL"}},
		{"PublicURLScheme", map[string]string{"CRIER_PUBLIC_URL": "ftp://crier.example.com"},
			[]string{"CRIER_PUBLIC_URL", "http or https"}},
		{"TwilioAPIURLScheme", map[string]string{"TWILIO_API_URL": "api.twilio.com"},
			[]string{"TWILIO_API_URL", "http or https"}},
		{"RegionTooLong", map[string]string{"CRIER_DEFAULT_REGION": "TUR"},
			[]string{"CRIER_DEFAULT_REGION", "two-letter"}},
		{"RegionTooShort", map[string]string{"CRIER_DEFAULT_REGION": "T"},
			[]string{"CRIER_DEFAULT_REGION"}},
		{"ConcurrencyZero", map[string]string{"CRIER_WORKER_CONCURRENCY": "0"},
			[]string{"CRIER_WORKER_CONCURRENCY", "at least 1"}},
		{"ConcurrencyNegative", map[string]string{"CRIER_WORKER_CONCURRENCY": "-4"},
			[]string{"CRIER_WORKER_CONCURRENCY", "at least 1"}},
		{"SMTPRateNegative", map[string]string{"CRIER_SMTP_RATE": "-1"},
			[]string{"CRIER_SMTP_RATE", "0 for no limit"}},
		{"SMSRateNegative", map[string]string{"CRIER_SMS_RATE": "-5"},
			[]string{"CRIER_SMS_RATE", "0 for no limit"}},
		{"ConcurrencyNotANumber", map[string]string{"CRIER_WORKER_CONCURRENCY": "many"},
			[]string{"CRIER_WORKER_CONCURRENCY", `"many"`}},
		{"IntervalWithoutUnit", map[string]string{"CRIER_RELAY_INTERVAL": "2"},
			[]string{"CRIER_RELAY_INTERVAL", `"2"`}},
		{"IntervalGarbage", map[string]string{"CRIER_RELAY_INTERVAL": "soon"},
			[]string{"CRIER_RELAY_INTERVAL", `"soon"`}},
		{"IntervalZero", map[string]string{"CRIER_RELAY_INTERVAL": "0s"},
			[]string{"CRIER_RELAY_INTERVAL", "positive"}},
		{"IntervalNegative", map[string]string{"CRIER_RELAY_INTERVAL": "-1s"},
			[]string{"CRIER_RELAY_INTERVAL", "positive"}},
		{"RegionUnknown", map[string]string{"CRIER_DEFAULT_REGION": "XX"},
			[]string{"CRIER_DEFAULT_REGION", `"XX"`, "not a phone region"}},
		{"DatabaseURLBadPort", map[string]string{"CRIER_DATABASE_URL": "postgres://u:pw@db:99999/crier"},
			[]string{"CRIER_DATABASE_URL", "invalid port"}},
		{"DatabaseURLBadOption", map[string]string{"CRIER_DATABASE_URL": "postgres://db/crier?sslmode=sometimes"},
			[]string{"CRIER_DATABASE_URL", "sslmode"}},
		{"MailFromNotAnAddress", map[string]string{"CRIER_MAIL_FROM": "kampanya"},
			[]string{"CRIER_MAIL_FROM", "e-mail address"}},
		{"MailFromWithName", map[string]string{"CRIER_MAIL_FROM": "Kampanya <k@example.com>"},
			[]string{"CRIER_MAIL_FROM"}},
		{"InboundAddrWithoutPort", map[string]string{"CRIER_INBOUND_SMTP_ADDR": "127.0.0.1"},
			[]string{"CRIER_INBOUND_SMTP_ADDR", "host:port"}},
		{"InboundAddrBadPort", map[string]string{"CRIER_INBOUND_SMTP_ADDR": ":smtp-ish"},
			[]string{"CRIER_INBOUND_SMTP_ADDR"}},
		{"IntervalTooShort", map[string]string{"CRIER_RELAY_INTERVAL": "1ms"},
			[]string{"CRIER_RELAY_INTERVAL", "10ms"}},
		{"UnescapedHashInPassword", map[string]string{"CRIER_SMTP_URL": "smtp://u:p#w@mail.example.com"},
			[]string{"CRIER_SMTP_URL", "%23"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := config.Load(env(tc.vars))
			require.Error(t, err)
			for _, want := range tc.wants {
				require.ErrorContains(t, err, want)
			}
		})
	}

	t.Run("AllProblemsAreReportedAtOnce", func(t *testing.T) {
		t.Parallel()
		_, err := config.Load(env(map[string]string{
			"CRIER_REDIS_URL": "tcp://x", "CRIER_DEFAULT_REGION": "TURKEY",
			"CRIER_WORKER_CONCURRENCY": "0",
		}))
		for _, want := range []string{"CRIER_REDIS_URL", "CRIER_DEFAULT_REGION",
			"CRIER_WORKER_CONCURRENCY"} {
			require.ErrorContains(t, err, want)
		}
		_, err = config.Load(env(map[string]string{
			"CRIER_WORKER_CONCURRENCY": "x", "CRIER_RELAY_INTERVAL": "y",
		}))
		require.ErrorContains(t, err, "CRIER_WORKER_CONCURRENCY")
		require.ErrorContains(t, err, "CRIER_RELAY_INTERVAL")
	})
}

func TestValidateNeedsATwilioSender(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(env(nil))
	require.NoError(t, err)

	cfg.Twilio.From = ""
	require.ErrorContains(t, cfg.Validate(), "TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID")
	cfg.Twilio.MessagingServiceSID = "MG22222222222222222222222222222222"
	require.NoError(t, cfg.Validate())
}

func TestStringRedactsSecrets(t *testing.T) {
	t.Parallel()
	const (
		smtpPassword  = "smtp-Pa55word"
		authToken     = "twilio-auth-token-0123456789"
		secretKey     = "unsubscribe-signing-key"
		dbPassword    = "db-Pa55word"
		redisPassword = "redis-Pa55word"
	)
	cfg, err := config.Load(env(map[string]string{
		"CRIER_DATABASE_URL": "postgres://crier:" + dbPassword + "@db:5432/crier",
		"CRIER_REDIS_URL":    "redis://:" + redisPassword + "@cache:6379/0",
		"CRIER_SMTP_URL":     "smtps://mailer:" + smtpPassword + "@smtp.example.com:465",
		"CRIER_SECRET_KEY":   secretKey,
		"TWILIO_AUTH_TOKEN":  authToken,
		"TWILIO_FROM":        "CRIER",
	}))
	require.NoError(t, err)
	out := cfg.String()
	for _, secret := range []string{smtpPassword, authToken, secretKey, dbPassword, redisPassword} {
		require.NotContains(t, out, secret)
	}

	lines := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(line, " ")
		lines[k] = strings.TrimSpace(v)
	}
	require.Len(t, lines, 27, "one line per variable")
	require.Equal(t, "smtps://mailer:xxxxx@smtp.example.com:465", lines["CRIER_SMTP_URL"])
	require.Equal(t, "postgres://crier:xxxxx@db:5432/crier", lines["CRIER_DATABASE_URL"])
	require.Equal(t, "redis://:xxxxx@cache:6379/0", lines["CRIER_REDIS_URL"])
	require.Equal(t, "(set)", lines["CRIER_SECRET_KEY"])
	require.Equal(t, "(set)", lines["TWILIO_AUTH_TOKEN"])
	require.Equal(t, "CRIER", lines["TWILIO_FROM"])
	require.Equal(t, "2s", lines["CRIER_RELAY_INTERVAL"])

	t.Run("UnsetSecretsPrintEmpty", func(t *testing.T) {
		t.Parallel()
		c := cfg
		c.SecretKey, c.Twilio.AuthToken = "", ""
		require.NotContains(t, c.String(), "(set)")
	})
	t.Run("UnescapedPasswordIsHiddenWhole", func(t *testing.T) {
		t.Parallel()
		for _, pw := range []string{"pass@word#secret", "alpha/beta@gamma", "first#second"} {
			c := cfg
			c.SMTPURL = "smtp://mailer:" + pw + "@smtp.example.com:587"
			out := c.String()
			require.Contains(t, out, "smtp://mailer:xxxxx@smtp.example.com:587")
			for _, part := range strings.FieldsFunc(pw, func(r rune) bool { return r == '@' || r == '#' || r == '/' }) {
				require.NotContains(t, out, ":"+part, "password part %q leaked", part)
				require.NotContains(t, out, part+"@", "password part %q leaked", part)
			}
		}
	})
	t.Run("UnparseableURLIsNotPrinted", func(t *testing.T) {
		t.Parallel()
		c := cfg
		c.SMTPURL = "smtp://mailer:" + smtpPassword + "%zz@smtp.example.com"
		require.NotContains(t, c.String(), smtpPassword)
	})
}

func TestBadSMTPURLFileNamesTheFileVariable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "smtp")
	require.NoError(t, os.WriteFile(path, []byte("mail.example.com:25\n"), 0o600))
	_, err := config.Load(env(map[string]string{"CRIER_SMTP_URL_FILE": path}))
	require.ErrorContains(t, err, "CRIER_SMTP_URL_FILE: want a smtp or smtps URL")
}

func TestGoodValuesPass(t *testing.T) {
	t.Parallel()
	_, err := config.Load(env(map[string]string{
		"CRIER_DEFAULT_REGION": "de", "CRIER_RELAY_INTERVAL": "10ms",
		"CRIER_INBOUND_SMTP_ADDR": ":2526", "CRIER_MAIL_FROM": "news@example.com",
		"CRIER_DATABASE_URL": "postgres://u:pw@db:6432/crier?sslmode=require",
	}))
	require.NoError(t, err)
}

func TestStringShowsDevelopmentDefaults(t *testing.T) {
	t.Parallel()
	// An empty CRIER_SECRET_KEY= or TWILIO_AUTH_TOKEN= falls back to the
	// development default; `crier config` must say so, not "(set)".
	cfg, err := config.Load(env(map[string]string{"CRIER_SECRET_KEY": "",
		"TWILIO_AUTH_TOKEN": "  "}))
	require.NoError(t, err)
	out := cfg.String()
	require.Regexp(t, `CRIER_SECRET_KEY\s+\(development default`, out)
	require.Regexp(t, `TWILIO_AUTH_TOKEN\s+\(development default`, out)
	require.NotContains(t, out, config.DevSecretKey)

	cfg, err = config.Load(env(map[string]string{"CRIER_SECRET_KEY": "mine"}))
	require.NoError(t, err)
	require.Regexp(t, `CRIER_SECRET_KEY\s+\(set\)`, cfg.String())
}

package config

import (
	"errors"
	"net"
	"strconv"
	"strings"
)

func loadFeedback(env *lookup) Feedback {
	f := Feedback{
		BounceDomain:      strings.ToLower(env.str("CRIER_BOUNCE_DOMAIN", "")),
		InboundSMTPAddr:   env.str("CRIER_INBOUND_SMTP_ADDR", ""),
		SoftBounceLimit:   env.integer("CRIER_SOFT_BOUNCE_LIMIT", 3),
		SoftBounceDays:    env.integer("CRIER_SOFT_BOUNCE_DAYS", 30),
		SendGridPublicKey: env.str("CRIER_SENDGRID_WEBHOOK_KEY", ""),
		PostmarkAuth:      env.secret("CRIER_POSTMARK_WEBHOOK_AUTH", ""),
		MailgunSigningKey: env.secret("CRIER_MAILGUN_SIGNING_KEY", ""),
		MetricsAddr:       env.str("CRIER_METRICS_ADDR", "127.0.0.1:9101"),
	}
	for _, arn := range strings.Split(env.str("CRIER_SES_TOPIC_ARNS", ""), ",") {
		if arn = strings.TrimSpace(arn); arn != "" {
			f.SESTopicARNs = append(f.SESTopicARNs, arn)
		}
	}
	if f.InboundSMTPAddr == "" && f.BounceDomain != "" {
		f.InboundSMTPAddr = "127.0.0.1:2526"
	}
	if f.InboundSMTPAddr == "off" {
		f.InboundSMTPAddr = ""
	}
	if f.MetricsAddr == "off" {
		f.MetricsAddr = ""
	}
	return f
}

func (f Feedback) validate() []error {
	var errs []error
	if f.BounceDomain != "" && (strings.ContainsAny(f.BounceDomain, "@/ :") ||
		!strings.Contains(f.BounceDomain, ".")) {
		errs = append(errs, errors.New("CRIER_BOUNCE_DOMAIN: want a domain such as bounce.example.com"))
	}
	if f.InboundSMTPAddr != "" {
		host, port, err := net.SplitHostPort(f.InboundSMTPAddr)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil || n < 0 || n > 65535 || strings.ContainsAny(host, " /") {
			errs = append(errs, errors.New("CRIER_INBOUND_SMTP_ADDR: want host:port "+
				"such as 127.0.0.1:2526, or off"))
		}
	}
	if f.SoftBounceLimit < 1 {
		errs = append(errs, errors.New("CRIER_SOFT_BOUNCE_LIMIT: want at least 1"))
	}
	if f.SoftBounceDays < 1 {
		errs = append(errs, errors.New("CRIER_SOFT_BOUNCE_DAYS: want at least 1"))
	}
	if f.PostmarkAuth != "" && !strings.Contains(f.PostmarkAuth, ":") {
		errs = append(errs, errors.New("CRIER_POSTMARK_WEBHOOK_AUTH: want user:password"))
	}
	return errs
}

func (f Feedback) print(line func(k, v string)) {
	line("CRIER_BOUNCE_DOMAIN", f.BounceDomain)
	line("CRIER_INBOUND_SMTP_ADDR", f.InboundSMTPAddr)
	line("CRIER_SOFT_BOUNCE_LIMIT", strconv.Itoa(f.SoftBounceLimit))
	line("CRIER_SOFT_BOUNCE_DAYS", strconv.Itoa(f.SoftBounceDays))
	line("CRIER_SES_TOPIC_ARNS", strings.Join(f.SESTopicARNs, ","))
	line("CRIER_SENDGRID_WEBHOOK_KEY", redacted(f.SendGridPublicKey))
	line("CRIER_POSTMARK_WEBHOOK_AUTH", redacted(f.PostmarkAuth))
	line("CRIER_MAILGUN_SIGNING_KEY", redacted(f.MailgunSigningKey))
	line("CRIER_METRICS_ADDR", f.MetricsAddr)
}

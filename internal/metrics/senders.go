package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/crier-dev/crier/internal/delivery"
)

// Email wraps an e-mail sender so that each send is timed and counted.
func (r *Registry) Email(s delivery.EmailSender) delivery.EmailSender {
	return emailSender{next: s, r: r}
}

// SMS wraps an SMS sender so that each send is timed and counted.
func (r *Registry) SMS(s delivery.SMSSender) delivery.SMSSender {
	return smsSender{next: s, r: r}
}

type emailSender struct {
	next delivery.EmailSender
	r    *Registry
}

func (s emailSender) SendEmail(ctx context.Context, m delivery.Email) (delivery.Receipt, error) {
	start := time.Now()
	receipt, err := s.next.SendEmail(ctx, m)
	s.r.observe(delivery.ChannelEmail, time.Since(start), err)
	return receipt, err
}

type smsSender struct {
	next delivery.SMSSender
	r    *Registry
}

func (s smsSender) SendSMS(ctx context.Context, m delivery.SMS) (delivery.Receipt, error) {
	start := time.Now()
	receipt, err := s.next.SendSMS(ctx, m)
	s.r.observe(delivery.ChannelSMS, time.Since(start), err)
	return receipt, err
}

func (r *Registry) observe(channel string, took time.Duration, err error) {
	r.latency.WithLabelValues(channel).Observe(took.Seconds())
	if err == nil {
		r.sends.WithLabelValues(channel, "ok").Inc()
		return
	}
	r.sends.WithLabelValues(channel, "error").Inc()
	kind := "ambiguous"
	var derr *delivery.Error
	if errors.As(err, &derr) {
		kind = derr.Kind.String()
	}
	r.errors.WithLabelValues(channel, kind).Inc()
}

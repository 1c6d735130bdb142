package web

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SNS SignatureVersion 1 is SHA1withRSA; version 2 is SHA256
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crier-dev/crier/internal/bounce"
	"github.com/crier-dev/crier/internal/feedback"
)

// snsMessage is an Amazon SNS HTTP(S) delivery.
type snsMessage struct {
	Type             string
	MessageID        string `json:"MessageId"`
	Token            string
	TopicArn         string
	Subject          string
	Message          string
	SubscribeURL     string
	Timestamp        string
	SignatureVersion string
	Signature        string
	SigningCertURL   string
}

// snsHost is where SNS signing certificates and subscription URLs live.
var snsHost = regexp.MustCompile(`^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// sesHook receives Amazon SES notifications delivered by SNS. The SNS
// signature is checked against the signing certificate (fetched from
// amazonaws.com only), the topic must be one of CRIER_SES_TOPIC_ARNS, and a
// subscription confirmation is confirmed.
func (s *Server) sesHook(w http.ResponseWriter, r *http.Request) {
	h := s.cfg.Hooks
	if len(h.SESTopicARNs) == 0 {
		http.NotFound(w, r)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var m snsMessage
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, "not an SNS message", http.StatusBadRequest)
		return
	}
	if !slices.Contains(h.SESTopicARNs, m.TopicArn) {
		s.refuse(w, r, "topic not in CRIER_SES_TOPIC_ARNS")
		return
	}
	if err := verifySNS(r.Context(), m, h.SNSCerts); err != nil {
		s.refuse(w, r, err.Error())
		return
	}
	switch m.Type {
	case "SubscriptionConfirmation":
		s.snsConfirm(w, r, m)
	case "Notification":
		s.sesNotification(w, r, m)
	default:
		w.WriteHeader(http.StatusNoContent) // UnsubscribeConfirmation: nothing to do
	}
}

func (s *Server) snsConfirm(w http.ResponseWriter, r *http.Request, m snsMessage) {
	confirm := s.cfg.Hooks.SNSConfirm
	if confirm == nil {
		confirm = httpsGet
	}
	if err := checkSNSURL(m.SubscribeURL); err != nil {
		s.refuse(w, r, "SubscribeURL: "+err.Error())
		return
	}
	if err := confirm(r.Context(), m.SubscribeURL); err != nil {
		s.fail(w, r, fmt.Errorf("confirm SNS subscription: %w", err))
		return
	}
	s.logger.InfoContext(r.Context(), "SNS subscription confirmed", "topic", m.TopicArn)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) sesNotification(w http.ResponseWriter, r *http.Request, m snsMessage) {
	reports, ok := bounce.SESReports([]byte(m.Message))
	if !ok {
		w.WriteHeader(http.StatusNoContent) // another kind of notification on the topic
		return
	}
	events := make([]feedback.Event, 0, len(reports))
	for _, rep := range reports {
		events = append(events, feedback.Event{Provider: "ses", Report: rep, Final: true,
			Payload: rawJSON([]byte(m.Message)), ID: m.MessageID})
	}
	s.applyEvents(w, r, events)
}

// verifySNS checks an SNS message's signature with its signing certificate.
func verifySNS(ctx context.Context, m snsMessage, certs func(context.Context, string) (*x509.Certificate, error)) error {
	if err := checkSNSURL(m.SigningCertURL); err != nil {
		return fmt.Errorf("SigningCertURL: %w", err)
	}
	var hash crypto.Hash
	switch m.SignatureVersion {
	case "1":
		hash = crypto.SHA1
	case "2":
		hash = crypto.SHA256
	default:
		return errors.New("unknown SignatureVersion")
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil {
		return errors.New("signature is not base64")
	}
	cert, err := certs(ctx, m.SigningCertURL)
	if err != nil {
		return fmt.Errorf("signing certificate: %w", err)
	}
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("signing certificate has no RSA key")
	}
	digest := hashOf(hash, snsStringToSign(m))
	if err := rsa.VerifyPKCS1v15(key, hash, digest, sig); err != nil {
		return errors.New("signature does not verify")
	}
	return nil
}

// snsStringToSign is the canonical text SNS signs: name and value lines of
// the message's fields, in order, for its type.
func snsStringToSign(m snsMessage) string {
	fields := [][2]string{{"Message", m.Message}, {"MessageId", m.MessageID}}
	if m.Type == "Notification" {
		if m.Subject != "" {
			fields = append(fields, [2]string{"Subject", m.Subject})
		}
		fields = append(fields, [2]string{"Timestamp", m.Timestamp})
	} else {
		fields = append(fields, [2]string{"SubscribeURL", m.SubscribeURL},
			[2]string{"Timestamp", m.Timestamp}, [2]string{"Token", m.Token})
	}
	fields = append(fields, [2]string{"TopicArn", m.TopicArn}, [2]string{"Type", m.Type})
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0] + "\n" + f[1] + "\n")
	}
	return b.String()
}

func hashOf(h crypto.Hash, s string) []byte {
	if h == crypto.SHA1 {
		sum := sha1.Sum([]byte(s)) //nolint:gosec // SignatureVersion 1
		return sum[:]
	}
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// checkSNSURL accepts only https URLs on an SNS host, so that a forged
// message cannot point crier at a certificate or URL of its own choosing.
func checkSNSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || !snsHost.MatchString(u.Hostname()) {
		return errors.New("not an https URL on sns.*.amazonaws.com")
	}
	return nil
}

var snsClient = &http.Client{Timeout: 10 * time.Second}

func fetchCert(ctx context.Context, certURL string) (*x509.Certificate, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, certURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := snsClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

func httpsGet(ctx context.Context, target string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	resp, err := snsClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// cachedCerts remembers certificates by URL: SNS signs every message with
// the same few, so one fetch serves thousands of notifications.
func cachedCerts(fetch func(context.Context, string) (*x509.Certificate, error)) func(
	context.Context, string) (*x509.Certificate, error) {
	var mu sync.Mutex // guards cache
	cache := map[string]*x509.Certificate{}
	return func(ctx context.Context, url string) (*x509.Certificate, error) {
		mu.Lock()
		cert, ok := cache[url]
		mu.Unlock()
		if ok {
			return cert, nil
		}
		cert, err := fetch(ctx, url)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		cache[url] = cert
		mu.Unlock()
		return cert, nil
	}
}

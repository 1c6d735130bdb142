package delivery

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// callState records what happened on the wire during one API call, so that
// a failure can be told apart: nothing sent (Temporary) from request written
// but no response (Ambiguous).
type callState struct {
	wrote      atomic.Bool
	status     atomic.Int32
	retryAfter atomic.Int64 // seconds the answer's Retry-After asked for
}

// callTransport is the per-call RoundTripper behind twilio-go: it attaches the
// caller's context, traces the request write, records the response status and
// points Twilio hosts at api when set.
type callTransport struct {
	ctx  context.Context
	base http.RoundTripper
	api  *url.URL
	st   *callState
}

// RoundTrip implements http.RoundTripper.
func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			t.st.wrote.Store(true)
		}
	}}
	r := req.Clone(httptrace.WithClientTrace(t.ctx, trace))
	if t.api != nil && isTwilioHost(r.URL.Hostname()) {
		r.URL.Scheme = t.api.Scheme
		r.URL.Host = t.api.Host
		r.URL.Path = strings.TrimSuffix(t.api.Path, "/") + r.URL.Path
		r.URL.RawPath = ""
		r.Host = ""
	}
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		t.st.status.Store(int32(resp.StatusCode))
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
			t.st.retryAfter.Store(int64(secs))
		}
	}
	return resp, err
}

// isTwilioHost reports whether host is twilio.com or one of its subdomains
// (twilio-go may add edge and region labels).
func isTwilioHost(host string) bool {
	return host == "twilio.com" || strings.HasSuffix(host, ".twilio.com")
}

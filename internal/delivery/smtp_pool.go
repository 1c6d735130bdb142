package delivery

import (
	"sync"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// connPool keeps a few idle, authenticated SMTP connections for reuse. A
// connection is used by one send at a time: get removes it from the pool and
// put hands it back. There is no cap on connections in use; the caller's
// worker count bounds them.
type connPool struct {
	mu      sync.Mutex
	idle    []idleConn
	closed  bool
	max     int
	ttl     time.Duration
	timeout time.Duration
}

// idleConn is a pooled connection and when it was last used.
type idleConn struct {
	c     *smtp.Client
	since time.Time
}

// get returns the most recently used idle connection younger than ttl, or nil.
// Connections idle longer than ttl are closed: servers drop idle clients.
func (p *connPool) get() *smtp.Client {
	p.mu.Lock()
	var stale []*smtp.Client
	var c *smtp.Client
	for len(p.idle) > 0 && c == nil {
		last := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if time.Since(last.since) > p.ttl {
			stale = append(stale, last.c)
			continue
		}
		c = last.c
	}
	p.mu.Unlock()
	for _, s := range stale {
		_ = s.Close()
	}
	return c
}

// put returns c to the pool, or says goodbye to it when the pool is full or
// closed.
func (p *connPool) put(c *smtp.Client) {
	p.mu.Lock()
	if !p.closed && len(p.idle) < p.max {
		p.idle = append(p.idle, idleConn{c: c, since: time.Now()})
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.quit(c)
}

// quit sends QUIT with a short deadline and closes c.
func (p *connPool) quit(c *smtp.Client) {
	if err := c.UpdateDeadline(p.timeout); err == nil {
		_ = c.Quit()
	}
	_ = c.Close()
}

// close quits every idle connection; later puts close their connection.
func (p *connPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, ic := range idle {
		p.quit(ic.c)
	}
}

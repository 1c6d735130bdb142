package delivery

import (
	"context"
	"time"
)

// SetSleep replaces the limiter's waiting, so that tests see the waits
// instead of sitting through them.
func SetSleep(l *RateLimiter, sleep func(context.Context, time.Duration) error) { l.sleep = sleep }

package delivery

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// RateLimiter keeps send rates in Redis, so that they hold across every
// worker of a deployment: a provider limit per channel (an SMTP relay's N/s,
// Twilio's messages per second per sender), an optional limit per campaign,
// and pauses a provider asked for (SMTP 421, Twilio 429). The counting is
// redis_rate's GCRA; tokens are taken for a window of messages at once, so a
// worker makes one Redis round trip per window, not per message.
type RateLimiter struct {
	rdb     *redis.Client
	limiter *redis_rate.Limiter
	prefix  string
	rates   map[string]int // channel → messages/s; 0 or absent: unlimited
	sleep   func(context.Context, time.Duration) error
}

// NewRateLimiter returns a limiter over rdb. Keys start with prefix (the
// queue prefix, so deployments sharing a Redis stay apart); rates maps a
// channel to its provider limit in messages per second, 0 meaning none.
func NewRateLimiter(rdb *redis.Client, prefix string, rates map[string]int) *RateLimiter {
	return &RateLimiter{rdb: rdb, limiter: redis_rate.NewLimiter(rdb), prefix: prefix,
		rates: rates, sleep: sleep}
}

// Take waits until n messages of campaignID may go out on channel: the
// channel is not paused, and both the channel's and the campaign's limits
// (perCampaign messages/s, 0 for none) allow them.
func (l *RateLimiter) Take(ctx context.Context, channel string, campaignID int64, perCampaign, n int) error {
	if err := l.waitPause(ctx, channel); err != nil {
		return err
	}
	if err := l.take(ctx, l.prefix+"rate:"+channel, l.rates[channel], n); err != nil {
		return err
	}
	key := l.prefix + "rate:campaign:" + strconv.FormatInt(campaignID, 10) + ":" + channel
	return l.take(ctx, key, perCampaign, n)
}

// take collects n tokens of key at rate messages/s, waiting as redis_rate
// says; rate 0 takes nothing.
func (l *RateLimiter) take(ctx context.Context, key string, rate, n int) error {
	if rate <= 0 {
		return nil
	}
	limit := redis_rate.PerSecond(rate)
	for n > 0 {
		res, err := l.limiter.AllowAtMost(ctx, key, limit, n)
		if err != nil {
			return fmt.Errorf("rate limit %s: %w", key, err)
		}
		n -= res.Allowed
		if n == 0 {
			return nil
		}
		wait := res.RetryAfter
		if wait <= 0 {
			wait = time.Second / time.Duration(rate)
		}
		if err := l.sleep(ctx, wait); err != nil {
			return err
		}
	}
	return nil
}

// SlowDown holds channel for d on every worker. A longer pause already set
// stays; a shorter one is extended.
func (l *RateLimiter) SlowDown(ctx context.Context, channel string, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	key := l.prefix + "pause:" + channel
	// Two workers racing here may shorten a pause by one call's worth; the
	// next "slow down" puts it right. Not worth a script.
	if ttl, err := l.rdb.PTTL(ctx, key).Result(); err == nil && ttl >= d {
		return nil
	}
	if err := l.rdb.Set(ctx, key, "1", d).Err(); err != nil {
		return fmt.Errorf("pause %s sends: %w", channel, err)
	}
	return nil
}

// waitPause waits while channel is paused.
func (l *RateLimiter) waitPause(ctx context.Context, channel string) error {
	for {
		ttl, err := l.rdb.PTTL(ctx, l.prefix+"pause:"+channel).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("check %s pause: %w", channel, err)
		}
		if ttl <= 0 {
			return nil
		}
		if err := l.sleep(ctx, ttl); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

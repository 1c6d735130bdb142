// Package testenv gives integration tests their own Postgres database and
// Redis queues on the real servers. It never skips: a test that needs a server
// that is not running fails and says how to start it.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/crier-dev/crier/internal/store"
)

const hint = "start the services with `scripts/services.sh ensure` (or `make test`, which does)"

// ServerURL is the Postgres server tests create their databases on:
// CRIER_TEST_DATABASE_URL, else the local server with trust auth.
func ServerURL() string {
	if u := os.Getenv("CRIER_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// RedisURL is the Redis server tests use: CRIER_TEST_REDIS_URL, else the
// local server.
func RedisURL() string {
	if u := os.Getenv("CRIER_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Name returns a random name with prefix, for databases and queue prefixes.
func Name(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return prefix + hex.EncodeToString(b)
}

// Database creates an empty, migrated database for the test and drops it
// when the test ends. It returns the database's URL.
func Database(t testing.TB) string {
	t.Helper()
	return DatabaseOn(t, ServerURL())
}

// DatabaseOn is Database on the server of serverURL, such as a private
// cluster's (see StartPostgres).
func DatabaseOn(t testing.TB, serverURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	url, err := store.WithDatabase(serverURL, Name("crier_test_"))
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := store.EnsureDatabase(ctx, url); err != nil {
		t.Fatalf("testenv: Postgres at %s is not usable (%v); %s", serverURL, err, hint)
	}
	t.Cleanup(func() { drop(t, serverURL, url) })
	if err := store.Migrate(ctx, url, "up", func(string) {}); err != nil {
		t.Fatalf("testenv: migrate: %v", err)
	}
	return url
}

// Store opens a store on a fresh database (see Database).
func Store(t testing.TB) (*store.Store, string) {
	t.Helper()
	url := Database(t)
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("testenv: open store: %v", err)
	}
	t.Cleanup(st.Close)
	return st, url
}

// DropOnCleanup drops the database of url when the test ends.
func DropOnCleanup(t testing.TB, url string) {
	t.Cleanup(func() { drop(t, ServerURL(), url) })
}

func drop(t testing.TB, serverURL, url string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Logf("testenv: drop test database: %v", err)
		return
	}
	defer conn.Close(ctx)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return
	}
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+
		pgx.Identifier{cfg.Database}.Sanitize()+" WITH (FORCE)")
	if err != nil {
		t.Logf("testenv: drop test database: %v", err)
	}
}

// Redis checks that Redis answers and returns its URL and a queue prefix of
// the test's own; the test's queues are deleted when it ends.
func Redis(t testing.TB) (url, queuePrefix string) {
	t.Helper()
	opt, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("testenv: CRIER_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		t.Fatalf("testenv: Redis at %s is not reachable (%v); %s", RedisURL(), err, hint)
	}
	prefix := Name("crier-test-") + ":"
	t.Cleanup(func() {
		defer client.Close()
		ctx := context.Background()
		keys, _ := client.Keys(ctx, "asynq:{"+prefix+"*").Result()
		own, _ := client.Keys(ctx, prefix+"*").Result() // crier's own keys, e.g. the relay's marker
		keys = append(keys, own...)
		if len(keys) > 0 {
			client.Del(ctx, keys...)
		}
		client.SRem(ctx, "asynq:queues", prefix+"email", prefix+"sms")
	})
	return RedisURL(), prefix
}

// DatabaseFrom creates a database for the test as a copy of the database
// named template on the server of serverURL (CREATE DATABASE … TEMPLATE),
// which must have no open connections, and drops it when the test ends. A
// copy takes a fraction of a second where importing the same data again may
// take many. It returns the new database's URL.
func DatabaseFrom(t testing.TB, serverURL, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := Name("crier_test_")
	url, err := store.WithDatabase(serverURL, name)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("testenv: Postgres at %s is not usable (%v); %s", serverURL, err, hint)
	}
	defer conn.Close(ctx)
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() +
		" TEMPLATE " + pgx.Identifier{template}.Sanitize()
	for try := 1; ; try++ {
		_, err = conn.Exec(ctx, create)
		// Copies made at once from one template can find it "being accessed
		// by other users" for a moment.
		if err == nil || try == 20 || !strings.Contains(err.Error(), "being accessed") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("testenv: copy database %s: %v", template, err)
	}
	t.Cleanup(func() { drop(t, serverURL, url) })
	return url
}

// DropDatabase drops the database name on the server of serverURL, if it
// exists: for databases made outside a test, such as templates.
func DropDatabase(ctx context.Context, serverURL, name string) error {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return fmt.Errorf("testenv: drop database %s: %w", name, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+
		" WITH (FORCE)")
	if err != nil {
		return fmt.Errorf("testenv: drop database %s: %w", name, err)
	}
	return nil
}

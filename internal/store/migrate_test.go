package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/store"
	"github.com/crier-dev/crier/internal/testenv"
)

// TestMigrateConcurrentFreshDatabase starts several `crier migrate` at once on
// a database that does not exist yet: every one must succeed, and the schema
// must come out whole.
func TestMigrateConcurrentFreshDatabase(t *testing.T) {
	url, err := store.WithDatabase(testenv.ServerURL(), testenv.Name("crier_test_"))
	require.NoError(t, err)
	testenv.DropOnCleanup(t, url)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const n = 4
	errs := make([]error, n)
	var start, wg sync.WaitGroup
	start.Add(1)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			if err := store.EnsureDatabase(ctx, url); err != nil {
				errs[i] = err
				return
			}
			errs[i] = store.Migrate(ctx, url, "up", func(string) {})
		}()
	}
	start.Done()
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "migrator %d", i)
	}

	var pending []string
	require.NoError(t, store.Migrate(ctx, url, "status", func(line string) {
		if len(line) >= 7 && line[:7] == "pending" {
			pending = append(pending, line)
		}
	}))
	require.Empty(t, pending)
}

package testenv_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/crier-dev/crier/internal/testenv"
)

func TestPrivatePostgresRestarts(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pg, err := testenv.StartPostgres("")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, pg.Close()) }) // after DatabaseOn's drop
	url := testenv.DatabaseOn(t, pg.URL)

	count := func() (int, error) {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return 0, err
		}
		defer conn.Close(ctx)
		var n int
		err = conn.QueryRow(ctx, `SELECT count(*) FROM messages`).Scan(&n)
		return n, err
	}
	_, err = count()
	require.NoError(t, err, "the database is migrated")
	require.NoError(t, pg.Stop("immediate"))
	_, err = count()
	require.Error(t, err, "the server is down")
	require.NoError(t, pg.Start())
	_, err = count()
	require.NoError(t, err, "the server is back with the data")
}

func TestPrivateRedisFlushAndRestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r, err := testenv.StartRedis()
	require.NoError(t, err)
	defer func() { require.NoError(t, r.Close()) }()
	opt, err := redis.ParseURL(r.URL)
	require.NoError(t, err)
	client := redis.NewClient(opt)
	defer client.Close()

	require.NoError(t, client.Set(ctx, "k", "v", 0).Err())
	require.NoError(t, r.Flush(ctx))
	require.ErrorIs(t, client.Get(ctx, "k").Err(), redis.Nil)

	require.NoError(t, client.Set(ctx, "k", "v", 0).Err())
	require.NoError(t, r.Stop())
	require.NoError(t, r.Start())
	require.ErrorIs(t, client.Get(ctx, "k").Err(), redis.Nil, "a restart keeps nothing")
}

// Package chaos holds the tests that break crier on purpose and check that no
// message is sent twice and none is lost: workers killed with SIGKILL, Redis
// flushed and restarted, Postgres restarted, a flaky SMTP relay and Twilio
// API, a campaign paused and resumed, several workers at once.
//
// The tests are black-box: they build the crier binary once, run `crier
// devsink`, `crier serve` and `crier worker` as separate processes against a
// database and queue prefix of their own, and judge by the ledger (SQL) and by
// what the stand-in servers received. Run just them with
//
//	go test -count=1 -v ./internal/chaos/
//
// CRIER_CHAOS_SEED=N repeats a run's random choices (each test logs its seed).
package chaos

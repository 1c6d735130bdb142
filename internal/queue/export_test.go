package queue

// SetBatch sets how many messages a relay moves per round, so that tests can
// cover several rounds with a few messages.
func SetBatch(r *Relay, n int) { r.batch = n }

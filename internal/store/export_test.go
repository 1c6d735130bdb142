package store

// SetBetweenClaimAndSettle makes fn run after each bulk claim that refused
// messages, before they are settled: for tests of what changes in between.
func (s *Store) SetBetweenClaimAndSettle(fn func()) { s.betweenClaimAndSettle = fn }

package hub

import "context"

// FollowChanges wakes this server's long-polls on the store's change hints
// — commits made by any replica sharing the database — until ctx ends.
// fieldhub serve runs it beside the HTTP server; without it a long-poll
// still sees other replicas' commits, at the next re-check.
func (s *Server) FollowChanges(ctx context.Context) error {
	for scopes := range s.store.Watch(ctx) {
		if scopes == nil {
			s.notify.publishAll()
			continue
		}
		for _, scope := range scopes {
			s.notify.publish(scope)
		}
	}
	return ctx.Err()
}

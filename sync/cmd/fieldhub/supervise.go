package main

import "fieldnotes/sync/hub"

// hubServices is what `fieldhub serve` runs beside the HTTP server: the
// hub's own list (change hints, tombstone purge, the product follower,
// webhook delivery — hub.Server.Services, which synctest runs too). A
// background loop that belongs to serve alone is added here.
func hubServices(srv *hub.Server) []hub.Service {
	return srv.Services()
}

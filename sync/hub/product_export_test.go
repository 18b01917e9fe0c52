package hub

import (
	"time"

	"fieldnotes/sync/hub/webhooks"
)

// SetWebhookTiming shortens retries and attempt timeouts for tests.
func SetWebhookTiming(s *Server, base, maxBackoff, timeout time.Duration, maxAttempts int) {
	t := webhooks.DefaultTiming
	t.BackoffBase, t.BackoffCap, t.Timeout, t.MaxAttempts = base, maxBackoff, timeout, maxAttempts
	s.product.deliverer.SetTiming(t)
}

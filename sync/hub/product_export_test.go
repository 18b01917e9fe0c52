package hub

import "time"

// SetWebhookTiming shortens retries and attempt timeouts for tests.
func SetWebhookTiming(s *Server, base, maxBackoff, timeout time.Duration, maxAttempts int) {
	w := s.product.hooks
	w.mu.Lock()
	defer w.mu.Unlock()
	w.backoffBase, w.backoffCap, w.maxAttempts = base, maxBackoff, maxAttempts
	w.client = w.guard.Client(timeout)
}

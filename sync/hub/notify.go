package hub

import "sync"

// allScopes is the notifier key of readers of every scope (product, admin).
const allScopes = "*"

// notifier wakes long-polling pulls when a scope they read changes.
type notifier struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

// subscribe registers a 1-buffered channel under each key; the returned
// function unregisters it. Subscribe before reading, so a commit between
// the read and the wait is not missed.
func (n *notifier) subscribe(keys []string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	n.mu.Lock()
	if n.subs == nil {
		n.subs = map[string]map[chan struct{}]struct{}{}
	}
	for _, k := range keys {
		if n.subs[k] == nil {
			n.subs[k] = map[chan struct{}]struct{}{}
		}
		n.subs[k][ch] = struct{}{}
	}
	n.mu.Unlock()
	return ch, func() {
		n.mu.Lock()
		for _, k := range keys {
			delete(n.subs[k], ch)
			if len(n.subs[k]) == 0 {
				delete(n.subs, k)
			}
		}
		n.mu.Unlock()
	}
}

// publish wakes the subscribers of scope and of every scope.
func (n *notifier) publish(scope string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, k := range []string{scope, allScopes} {
		for ch := range n.subs[k] {
			select {
			case ch <- struct{}{}:
			default: // already woken
			}
		}
	}
}

// publishAll wakes every subscriber (a change hint that names no scope:
// hints may have been lost).
func (n *notifier) publishAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, subs := range n.subs {
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

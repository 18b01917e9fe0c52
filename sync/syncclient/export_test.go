package syncclient

// Test hooks: speak another protocol version (426) and lift the client's
// own body limit (so the hub's 413 is exercised).
func (e *Engine) setVersion(v string) { e.version = v }
func (e *Engine) setMaxBody(n int)    { e.maxBody = n }

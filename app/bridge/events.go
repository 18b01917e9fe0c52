package bridge

// RecordChange is the one payload of the `records:changed` event, sent by
// the desktop app when the store changes (upsert, delete, or a "batch" of
// many) and by Settings.Restore ("restore"): the window refetches what it
// shows of that type, or everything when Type is "".
type RecordChange struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Op     string `json:"op"` // upsert, delete, batch, restore
	Origin string `json:"origin"`
	Count  int    `json:"count"`
}

package replica

import (
	"context"

	"fieldnotes/app/store"
	"fieldnotes/sync/syncclient"
)

// NewEngine builds a sync engine for st with the hub address and token from
// settings; fields of cfg other than Replica, HubURL, Token and CertSHA256 are kept
// (OnStatus, Logger …). Missing settings are not an error: the engine then
// reports "not configured" until Engine.Configure.
func NewEngine(ctx context.Context, st *store.Store, settings Settings, cfg syncclient.Config) (*syncclient.Engine, error) {
	url, err := settings.HubURL(ctx)
	if err != nil {
		return nil, err
	}
	token, err := settings.Token(ctx)
	if err != nil {
		return nil, err
	}
	pin, err := settings.CertPin(ctx)
	if err != nil {
		return nil, err
	}
	cfg.Replica, cfg.HubURL, cfg.Token, cfg.CertSHA256 = New(st), url, token, pin
	return syncclient.New(cfg)
}

// WakeOnEdits nudges eng after every local change (not the ones sync itself
// applies) until ctx ends, so an edit leaves at once. Run it in a goroutine
// beside eng.Serve.
func WakeOnEdits(ctx context.Context, st *store.Store, eng *syncclient.Engine) {
	changes, stop := st.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case c, ok := <-changes:
			if !ok {
				return
			}
			if c.Origin != "sync" {
				eng.ScheduleSync()
			}
		}
	}
}

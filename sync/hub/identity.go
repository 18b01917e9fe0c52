package hub

import (
	"context"
	"strings"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// bindClient binds a client id a request sent to its user. Ids beginning
// with "hub-" are the hub's own (sync-protocol.md): no client may bind one,
// or it could take over the client id the hub publishes a PM's hypotheses
// under and block their publishing for good.
func (s *Server) bindClient(ctx context.Context, clientID string, user hubdb.User) error {
	if strings.HasPrefix(clientID, syncproto.ReservedClientPrefix) {
		return notebook.Errorf(notebook.Forbidden, "client_id: ids beginning with %q are reserved for the hub itself; make a random client id per installation", syncproto.ReservedClientPrefix)
	}
	return s.store.BindClient(ctx, clientID, user.ID)
}

// nsClients keeps the hub's own client ids: "<purpose>/<user id>" → the
// client id the hub writes under on that user's behalf (publishing
// hypotheses, restoring deleted records), random, so nothing a client
// sees or sends can name it.
const nsClients = "clients"

// hubClientID returns (creating it once) the hub's client id for purpose
// and user, bound to the user.
func (s *Server) hubClientID(ctx context.Context, purpose string, user hubdb.User) (string, error) {
	var id string
	key := purpose + "/" + user.ID
	err := s.store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		raw, ok, err := tx.GetDoc(nsClients, key)
		if err != nil {
			return err
		}
		if ok {
			id = string(raw)
			return nil
		}
		id = syncproto.ReservedClientPrefix + purpose + "." + randomHex(12)
		return tx.PutDoc(nsClients, key, []byte(id))
	})
	if err != nil {
		return "", err
	}
	return id, s.store.BindClient(ctx, id, user.ID)
}

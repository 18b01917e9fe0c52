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

// nsClients keeps the hub's own client ids: "publish/<user id>" → the
// client id the hub publishes that user's hypotheses under, random, so
// nothing a client sees or sends can name it.
const nsClients = "clients"

// publishClientID returns (creating it once) the hub's client id for
// publishing user's hypotheses.
func (s *Server) publishClientID(ctx context.Context, user hubdb.User) (string, error) {
	var id string
	err := s.store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		raw, ok, err := tx.GetDoc(nsClients, "publish/"+user.ID)
		if err != nil {
			return err
		}
		if ok {
			id = string(raw)
			return nil
		}
		id = syncproto.ReservedClientPrefix + "publish." + randomHex(12)
		return tx.PutDoc(nsClients, "publish/"+user.ID, []byte(id))
	})
	if err != nil {
		return "", err
	}
	return id, s.store.BindClient(ctx, id, user.ID)
}

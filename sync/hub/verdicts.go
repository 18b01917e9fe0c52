package hub

import (
	"encoding/json"
	"fmt"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// nsVerdicts keeps the verdict of every rejected mutation,
// "<client id>/<mutation id %020d>" → {code, message}, written in the
// transaction that records the rejection. A retry whose first answer was
// lost is answered "duplicate" with the same code and message, so the
// client still learns its change was refused (sync/README.md).
const nsVerdicts = "verdicts"

type verdict struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func verdictKey(clientID string, mutationID uint64) string {
	return fmt.Sprintf("%s/%020d", clientID, mutationID)
}

func saveVerdict(tx hubdb.Tx, clientID string, r syncproto.Result) error {
	raw, _ := json.Marshal(verdict{Code: r.Code, Message: r.Message})
	return tx.PutDoc(nsVerdicts, verdictKey(clientID, r.MutationID), raw)
}

// duplicateResult answers a mutation already processed: plain duplicate,
// or duplicate with the rejection it got the first time.
func duplicateResult(tx hubdb.Tx, clientID string, mutationID uint64) (syncproto.Result, error) {
	res := syncproto.Result{MutationID: mutationID, Status: syncproto.StatusDuplicate}
	raw, ok, err := tx.GetDoc(nsVerdicts, verdictKey(clientID, mutationID))
	if err != nil || !ok {
		return res, err
	}
	var v verdict
	if json.Unmarshal(raw, &v) == nil {
		res.Code, res.Message = v.Code, v.Message
	}
	return res, nil
}

package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"fieldnotes/sync/syncproto"
)

// maxGapRounds bounds consecutive 409 answers without progress, so a hub
// that keeps moving its expectation cannot spin the engine forever.
const maxGapRounds = 3

// pushTimeout bounds one push (1 MiB on a slow link, plus the hub's fsync).
const pushTimeout = 2 * time.Minute

// pushAll drains the outbox in order, one request in flight.
func (e *Engine) pushAll(ctx context.Context, h *hubClient, rep *Report) error {
	limit, gaps := syncproto.MaxPushMutations, 0
	for {
		muts, err := e.replica.Outbox(ctx, limit)
		if err != nil {
			return localErr(err, "reading the changes to send")
		}
		if len(muts) == 0 {
			return nil
		}
		e.update(func(s *Status) { s.Phase = PhasePushing; s.Pending = max(s.Pending, len(muts)) })
		body, n := encodeBatch(e.replica.ClientID(), muts, e.maxBody)
		muts = muts[:n]
		rctx, cancel := context.WithTimeout(ctx, pushTimeout)
		reply, err := h.push(rctx, body, muts)
		cancel()
		if err != nil {
			return err
		}
		e.reachable()
		switch reply.status {
		case http.StatusOK:
			gaps = 0
			err = e.resolve(ctx, reply.results, rep)
		case http.StatusConflict:
			if gaps++; gaps > maxGapRounds {
				return newErr(KindProtocol, reply.status, nil, "the hub keeps asking for change %d; trying again later", reply.expected)
			}
			err = e.renumber(ctx, reply, rep)
		default: // 413 or 400: smaller batches, then give up on the one change
			if len(muts) > 1 {
				limit = len(muts) / 2
				continue
			}
			err = e.refuseLocally(ctx, muts[0], reply, rep)
		}
		if err != nil {
			return err
		}
		e.refreshPending(ctx)
	}
}

func (e *Engine) resolve(ctx context.Context, results []syncproto.Result, rep *Report) error {
	if len(results) == 0 {
		return nil
	}
	for i, r := range results {
		// A duplicate that carries a code is a repeated rejection: a hub
		// that remembers verdicts says so when the first answer was lost.
		if r.Status == syncproto.StatusDuplicate && r.Code != "" {
			results[i].Status = syncproto.StatusRejected
		}
	}
	if err := e.replica.ResolvePushed(ctx, results); err != nil {
		return localErr(err, "recording what the hub accepted")
	}
	for _, r := range results {
		switch r.Status {
		case syncproto.StatusApplied:
			rep.Pushed++
		case syncproto.StatusDuplicate:
			rep.Duplicates++
		case syncproto.StatusRejected:
			rep.Rejected++
			e.log.Info("sync: the hub refused a change", "mutation", r.MutationID, "code", r.Code, "message", r.Message)
		}
	}
	return nil
}

// renumber handles 409 mutation_gap: keep the verdicts the hub gave before
// the gap, then number what is still pending from the id it expects.
func (e *Engine) renumber(ctx context.Context, reply pushReply, rep *Report) error {
	if err := e.resolve(ctx, reply.results, rep); err != nil {
		return err
	}
	e.log.Warn("sync: the hub expects another change number; renumbering pending changes", "expected", reply.expected)
	rep.Renumbered++
	if err := e.replica.RenumberOutbox(ctx, reply.expected); err != nil {
		return localErr(err, "renumbering pending changes")
	}
	return nil
}

// refuseLocally records a single change the hub can never take (too large,
// or malformed as a request) as a rejection the user sees, so it does not
// block everything queued after it. The hub did not count it, so the next
// push meets a 409 and the rest is renumbered.
func (e *Engine) refuseLocally(ctx context.Context, m syncproto.Mutation, reply pushReply, rep *Report) error {
	code, msg := syncproto.CodeInvalid, "the hub cannot read this change: "+reply.message
	if reply.status == http.StatusRequestEntityTooLarge {
		code, msg = syncproto.CodeTooLarge, "this change is too large to sync (over 1 MiB); shorten it"
	}
	e.log.Error("sync: a change can never be sent; keeping it as refused", "mutation", m.MutationID, "type", m.Type, "id", m.ID, "status", reply.status, "hub", reply.message)
	return e.resolve(ctx, []syncproto.Result{{MutationID: m.MutationID, Status: syncproto.StatusRejected, Code: code, Message: msg}}, rep)
}

// encodeBatch writes a push body with as many of muts as fit in maxBody
// (at least one: a single oversized change is left for the hub to refuse).
func encodeBatch(clientID string, muts []syncproto.Mutation, maxBody int) ([]byte, int) {
	var buf bytes.Buffer
	buf.WriteString(`{"client_id":`)
	buf.WriteString(strconv.Quote(clientID))
	buf.WriteString(`,"mutations":[`)
	n := 0
	for i, m := range muts {
		raw, err := json.Marshal(m)
		if err != nil { // fields are json.RawMessage from the store; cannot fail unless corrupt
			raw = []byte(`{"mutation_id":` + strconv.FormatUint(m.MutationID, 10) + `}`)
		}
		if n > 0 && buf.Len()+len(raw)+3 > maxBody {
			break
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(raw)
		n++
	}
	buf.WriteString("]}")
	return buf.Bytes(), n
}

package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// Publishing hypotheses in bulk: `fieldhub hypothesis import FILE` and
// POST /v1/hypotheses share one decoder (YAML, of which JSON is a subset,
// through yaml.v3's Node so every problem names its line) and one writer
// (the hub's own merge path, so the records reach notebooks on their next
// pull exactly like a PM's push).

// Limits of one import: bytes, hypotheses, and problem lines reported (a
// broken 10,000-line file should get a readable answer, not 10,000 lines).
const (
	MaxHypothesisFile = 8 << 20
	MaxHypotheses     = 2000
	maxProblems       = 50
)

// hypothesisKeys are the fields a hypothesis may have in a file.
var hypothesisKeys = []string{"id", "statement", "rationale", "questions", "audience", "segments", "stages", "status",
	"rank", "owner", "decision_note", "published_at", "decided_at"}

var questionKeys = []string{"id", "text", "kind"}

// lineProblem is one problem at a line of the input.
type lineProblem struct {
	line  int
	field string
	msg   string
}

type problems struct {
	name string
	list []lineProblem
}

func (p *problems) add(line int, field, format string, args ...any) {
	p.list = append(p.list, lineProblem{line: line, field: field, msg: fmt.Sprintf(format, args...)})
}

// err renders "file:line: field: problem" lines, in line order.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].line < p.list[j].line })
	shown := p.list[:min(len(p.list), maxProblems)]
	lines := make([]string, len(shown), len(shown)+1)
	for i, l := range shown {
		lines[i] = fmt.Sprintf("%s:%d: %s: %s", p.name, l.line, l.field, l.msg)
	}
	if more := len(p.list) - len(shown); more > 0 {
		last := shown[len(shown)-1]
		lines = append(lines, fmt.Sprintf("%s:%d: file: %d more problems not shown", p.name, last.line, more))
	}
	return notebook.Errorf(notebook.Invalid, "%s", strings.Join(lines, "\n"))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// DecodeHypotheses parses a document of hypotheses — a list, or a mapping
// with a "hypotheses" list — validates each with app/notebook, and returns
// them or an Invalid error whose message has one "name:line: field:
// problem" line per problem. A missing status means "active" (importing is
// publishing). Bad input never panics (FuzzDecodeHypotheses).
func DecodeHypotheses(name string, data []byte) ([]notebook.Hypothesis, error) {
	p := &problems{name: name}
	if len(data) > MaxHypothesisFile {
		p.add(1, "file", "is %d bytes; the limit is %d", len(data), MaxHypothesisFile)
		return nil, p.err()
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		p.add(line, "file", "not valid YAML or JSON: %s", msg)
		return nil, p.err()
	}
	list := hypothesisList(&doc, p)
	var out []notebook.Hypothesis
	seen := map[string]int{}
	for _, item := range list {
		h, keyLines := decodeHypothesis(item, p)
		if h == nil {
			continue
		}
		if first, dup := seen[h.ID]; dup && h.ID != "" {
			p.add(keyLines["id"], "id", "%q is also used at line %d", h.ID, first)
		}
		seen[h.ID] = keyLines["id"]
		validateAt(*h, item.Line, keyLines, p)
		out = append(out, *h)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// hypothesisList finds the sequence of hypotheses in the document.
func hypothesisList(doc *yaml.Node, p *problems) []*yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		p.add(1, "file", "is empty; want a list of hypotheses")
		return nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "hypotheses" {
				root = root.Content[i+1]
				break
			}
		}
	}
	if root.Kind != yaml.SequenceNode {
		p.add(root.Line, "hypotheses", "want a list of hypotheses (or a mapping with a \"hypotheses\" list)")
		return nil
	}
	if len(root.Content) > MaxHypotheses {
		p.add(root.Line, "hypotheses", "%d hypotheses; import at most %d at a time", len(root.Content), MaxHypotheses)
		return nil
	}
	return root.Content
}

// decodeHypothesis decodes one mapping field by field, so each problem is
// reported at the line of its value; keyLines maps field → line for the
// problems Validate finds later.
func decodeHypothesis(n *yaml.Node, p *problems) (*notebook.Hypothesis, map[string]int) {
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "hypothesis", "want a mapping of fields (statement, questions …)")
		return nil, nil
	}
	h := &notebook.Hypothesis{}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if _, dup := lines[key.Value]; dup {
			p.add(key.Line, fieldLabel(key.Value), "is given twice")
			continue
		}
		lines[key.Value] = key.Line
		decodeHypothesisField(h, key, val, p)
	}
	if h.Status == "" {
		h.Status = notebook.StatusActive
	}
	return h, lines
}

func decodeHypothesisField(h *notebook.Hypothesis, key, val *yaml.Node, p *problems) {
	f := key.Value
	var err error
	switch f {
	case "id":
		err = decodeScalar(val, &h.ID)
	case "statement":
		err = decodeScalar(val, &h.Statement)
	case "rationale":
		err = decodeScalar(val, &h.Rationale)
	case "owner":
		err = decodeScalar(val, &h.Owner)
	case "decision_note":
		err = decodeScalar(val, &h.DecisionNote)
	case "audience":
		err = decodeScalar(val, (*string)(&h.Audience))
	case "status":
		err = decodeScalar(val, (*string)(&h.Status))
	case "rank":
		err = decodeRank(val, &h.Rank)
	case "segments":
		err = decodeStrings(val, &h.Segments)
	case "stages":
		var s []string
		err = decodeStrings(val, &s)
		for _, v := range s {
			h.Stages = append(h.Stages, notebook.Stage(v))
		}
	case "published_at":
		h.PublishedAt, err = decodeTime(val)
	case "decided_at":
		h.DecidedAt, err = decodeTime(val)
	case "questions":
		h.Questions = decodeQuestions(val, p)
	default:
		p.add(key.Line, fieldLabel(f), "unknown field (want one of %s)", strings.Join(hypothesisKeys, ", "))
		return
	}
	if err != nil {
		p.add(val.Line, f, "%s", err.Error())
	}
}

func decodeScalar(n *yaml.Node, s *string) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		if n.Tag == "!!null" {
			return nil
		}
		return fmt.Errorf("want text, got a %s", kindName(n))
	}
	*s = n.Value
	return nil
}

func decodeRank(n *yaml.Node, r *int) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("want a whole number, got a %s", kindName(n))
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < 0 || v > 1_000_000 {
		return fmt.Errorf("want a whole number from 0 to 1000000, got %q", n.Value)
	}
	*r = v
	return nil
}

func decodeStrings(n *yaml.Node, out *[]string) error {
	if n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("want a list of text, got a %s", kindName(n))
	}
	for _, c := range n.Content {
		var s string
		if err := decodeScalar(c, &s); err != nil {
			return fmt.Errorf("line %d: %v", c.Line, err)
		}
		*out = append(*out, s)
	}
	return nil
}

func decodeTime(n *yaml.Node) (*time.Time, error) {
	var s string
	if err := decodeScalar(n, &s); err != nil || s == "" {
		return nil, err
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("want an RFC 3339 time such as 2026-11-22T10:00:00Z, got %q", s)
	}
	t = t.UTC()
	return &t, nil
}

// decodeQuestions reads the ordered questions; a question without an id
// gets q<position>, so a short file stays short.
func decodeQuestions(n *yaml.Node, p *problems) []notebook.Question {
	if n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n.Line, "questions", "want a list of {id, text, kind}, got a %s", kindName(n))
		return nil
	}
	var out []notebook.Question
	for i, qn := range n.Content {
		if q, ok := decodeQuestion(qn, i+1, p); ok {
			out = append(out, q)
		}
	}
	return out
}

// decodeQuestion reads question number pos, with defaults: id q<pos>,
// kind signal.
func decodeQuestion(qn *yaml.Node, pos int, p *problems) (notebook.Question, bool) {
	field := fmt.Sprintf("questions[%d]", pos)
	if qn.Kind != yaml.MappingNode {
		p.add(qn.Line, field, "want a mapping {id, text, kind}, got a %s", kindName(qn))
		return notebook.Question{}, false
	}
	q := notebook.Question{}
	for j := 0; j+1 < len(qn.Content); j += 2 {
		k, v := qn.Content[j], qn.Content[j+1]
		var err error
		switch k.Value {
		case "id":
			err = decodeScalar(v, &q.ID)
		case "text":
			err = decodeScalar(v, &q.Text)
		case "kind":
			err = decodeScalar(v, (*string)(&q.Kind))
		default:
			p.add(k.Line, field+"."+fieldLabel(k.Value), "unknown field (want one of %s)", strings.Join(questionKeys, ", "))
			continue
		}
		if err != nil {
			p.add(v.Line, field+"."+k.Value, "%s", err.Error())
		}
	}
	if q.ID == "" {
		q.ID = fmt.Sprintf("q%d", pos)
	}
	if q.Kind == "" {
		q.Kind = notebook.AnswerSignal
	}
	if q.Text == "" {
		p.add(qn.Line, field+".text", "is required")
	}
	return q, true
}

var safeField = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// fieldLabel shows an unknown key in a problem line; anything that could
// break the "file:line: field: problem" shape is masked.
func fieldLabel(k string) string {
	if safeField.MatchString(k) {
		return k
	}
	if k == "" {
		return "(empty key)"
	}
	return "(unreadable key)"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "value"
}

// validateAt runs notebook's Validate and places each problem at the line
// of its field (or of the hypothesis when the field is missing).
func validateAt(h notebook.Hypothesis, itemLine int, lines map[string]int, p *problems) {
	err := h.Validate()
	if err == nil {
		return
	}
	ne, ok := err.(*notebook.Error)
	if !ok || len(ne.Fields) == 0 {
		p.add(itemLine, "hypothesis", "%s", err.Error())
		return
	}
	for field, msg := range ne.Fields {
		line, ok := lines[field]
		if !ok {
			line = itemLine
		}
		p.add(line, field, "%s", msg)
	}
}

// PublishResult is what happened to one hypothesis of a publish.
type PublishResult struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"` // applied, rejected
	Seq         uint64     `json:"seq,omitempty"`
	Code        string     `json:"code,omitempty"`
	Message     string     `json:"message,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// PublishHypotheses writes hypotheses through the hub's merge path as
// user (product or admin), under a per-user hub client id, so they get
// seqs, HLCs and validation exactly like a pushed mutation. published_at
// is set on first publication and then kept (time to signal starts
// there); decided_at is set when the status first becomes validated or
// invalidated.
func (s *Server) PublishHypotheses(ctx context.Context, user hubdb.User, hyps []notebook.Hypothesis) ([]PublishResult, error) {
	if !user.Role.ReadsAll() {
		return nil, notebook.Errorf(notebook.Forbidden, "only product or admin may publish hypotheses")
	}
	clientID, err := s.hubClientID(ctx, "publish", user)
	if err != nil {
		return nil, err
	}
	var out []PublishResult
	touched := map[string]bool{}
	err = s.store.Update(ctx, []string{syncproto.UserScope(user.ID), syncproto.OrgScope}, func(tx hubdb.Tx) error {
		out, touched = nil, map[string]bool{}
		last, err := tx.LastMutationID(clientID)
		if err != nil {
			return err
		}
		for _, h := range hyps {
			r, err := s.publishOne(tx, user, clientID, last+1, h, touched)
			if err != nil {
				return err
			}
			last++
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for scope := range touched {
		s.notify.publish(scope)
	}
	return out, nil
}

func (s *Server) publishOne(tx hubdb.Tx, user hubdb.User, clientID string, mid uint64, h notebook.Hypothesis, touched map[string]bool) (PublishResult, error) {
	cur, exists, err := tx.Get(h.ID)
	if err != nil {
		return PublishResult{}, err
	}
	// The domain's lifecycle, exactly as the PM's notebook applies it: only
	// a draft (or an active one, re-sent) can be published, only a
	// published one decided, nothing goes back to a draft.
	if err := currentHypothesis(cur, exists).CheckTransition(h); err != nil {
		if err := tx.Apply(clientID, mid, nil); err != nil { // the mutation id is used up, as for any rejection
			return PublishResult{}, err
		}
		var ne *notebook.Error
		msg := err.Error()
		if errors.As(err, &ne) {
			msg = ne.Message
		}
		return PublishResult{ID: h.ID, Status: syncproto.StatusRejected, Code: string(notebook.ErrorCode(err)), Message: msg}, nil
	}
	fields := hypothesisPatch(h, cur, exists, s.now(), user)
	m := syncproto.Mutation{MutationID: mid, Op: syncproto.OpUpsert, Type: "hypothesis", ID: h.ID, Fields: fields, HLC: s.clock.Now().String()}
	res, err := s.applyOne(tx, user, clientID, m, touched)
	if err != nil {
		return PublishResult{}, err
	}
	r := PublishResult{ID: h.ID, Status: res.Status, Seq: res.Seq, Code: res.Code, Message: res.Message}
	if after, ok, _ := tx.Get(h.ID); ok && res.Status == syncproto.StatusApplied {
		var pub struct {
			PublishedAt *time.Time `json:"published_at"`
		}
		_ = json.Unmarshal(after.Data["published_at"], &pub.PublishedAt)
		r.PublishedAt = pub.PublishedAt
	}
	return r, nil
}

// currentHypothesis is the hub's version of a hypothesis for the
// lifecycle check: the zero value when there is none (never written, or
// deleted), which CheckTransition treats as a new draft.
func currentHypothesis(cur hubdb.Record, exists bool) notebook.Hypothesis {
	if !exists || cur.Deleted {
		return notebook.Hypothesis{}
	}
	raw, _ := json.Marshal(cur.Data)
	var h notebook.Hypothesis
	_ = json.Unmarshal(raw, &h) // a field the domain cannot read stays zero: the check is on status
	h.ID = cur.ID
	return h
}

// hypothesisPatch is the full record as a patch, minus what the hub keeps:
// an earlier published_at or decided_at wins over the file's.
func hypothesisPatch(h notebook.Hypothesis, cur hubdb.Record, exists bool, now time.Time, user hubdb.User) map[string]json.RawMessage {
	now = now.UTC().Truncate(time.Millisecond)
	if h.Owner == "" {
		h.Owner = user.ID
	}
	if h.PublishedAt == nil && h.Status != notebook.StatusDraft {
		h.PublishedAt = &now
	}
	decided := h.Status == notebook.StatusValidated || h.Status == notebook.StatusInvalidated
	if h.DecidedAt == nil && decided {
		h.DecidedAt = &now
	}
	raw, _ := json.Marshal(h)
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	delete(fields, "id")
	for _, keep := range []string{"published_at", "decided_at"} {
		if exists && !isEmptyJSON(cur.Data[keep]) {
			delete(fields, keep)
		}
	}
	return fields
}

// handlePublish is POST /v1/hypotheses: a JSON (or YAML) list of
// hypotheses, or {"hypotheses": […]}; 400 with line-accurate problems, else
// 200 {"results": [PublishResult …]} in input order.
func (p *product) handlePublish(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxHypothesisFile))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, syncproto.CodeTooLarge, "body: over 8 MiB; publish fewer hypotheses per request")
		return
	}
	hyps, err := DecodeHypotheses("body", body)
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	user := userFrom(r.Context())
	results, err := p.srv.PublishHypotheses(r.Context(), user, hyps)
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	p.log.Info("hypotheses published", "by", user.ID, "count", len(results))
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

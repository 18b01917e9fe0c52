package syncproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// pushWire mirrors PushRequest with raw parts, so the decoder can tell a
// missing field from a zero one and name the mutation that is wrong.
type pushWire struct {
	ClientID  *string           `json:"client_id"`
	Mutations []json.RawMessage `json:"mutations"`
}

type mutationWire struct {
	MutationID json.RawMessage            `json:"mutation_id"`
	Op         *string                    `json:"op"`
	Type       *string                    `json:"type"`
	ID         string                     `json:"id"`
	Fields     map[string]json.RawMessage `json:"fields"`
	HLC        string                     `json:"hlc"`
	Base       map[string]string          `json:"base"`
}

// DecodePushRequest parses a push body. It fails with code "invalid" when
// the request is malformed as a whole (bad JSON, no client_id, a mutation
// without mutation_id, an unknown op or type) and with "too_large" for more
// than MaxPushMutations mutations. Problems of single records (bad id, bad
// hlc, invalid fields) are left to the hub, which rejects that mutation only.
func DecodePushRequest(body []byte) (PushRequest, error) {
	var w pushWire
	if err := strictUnmarshal(body, &w); err != nil {
		return PushRequest{}, invalidf("body: %s", describeJSONError(err))
	}
	if w.ClientID == nil || *w.ClientID == "" {
		return PushRequest{}, invalidf("client_id: is required")
	}
	if !ValidClientID(*w.ClientID) {
		return PushRequest{}, invalidf("client_id: want 1-128 characters of letters, digits, '-', '_', '.', ':'")
	}
	if len(w.Mutations) > MaxPushMutations {
		return PushRequest{}, &Error{Code: CodeTooLarge, Message: sprintf("mutations: %d in one push; the limit is %d", len(w.Mutations), MaxPushMutations)}
	}
	req := PushRequest{ClientID: *w.ClientID, Mutations: make([]Mutation, 0, len(w.Mutations))}
	for i, raw := range w.Mutations {
		m, err := decodeMutation(raw)
		if err != nil {
			return PushRequest{}, invalidf("mutations[%d]: %s", i, err.Error())
		}
		req.Mutations = append(req.Mutations, m)
	}
	return req, nil
}

func decodeMutation(raw json.RawMessage) (Mutation, error) {
	var w mutationWire
	if err := strictUnmarshal(raw, &w); err != nil {
		return Mutation{}, errors.New(describeJSONError(err))
	}
	id, err := parseMutationID(w.MutationID)
	if err != nil {
		return Mutation{}, err
	}
	if w.Op == nil || (*w.Op != OpUpsert && *w.Op != OpDelete) {
		return Mutation{}, errors.New(sprintf("mutation %d: op: want \"upsert\" or \"delete\", got %s", id, quoteOrMissing(w.Op)))
	}
	if w.Type == nil || !KnownType(*w.Type) {
		return Mutation{}, errors.New(sprintf("mutation %d: type: unknown record type %s", id, quoteOrMissing(w.Type)))
	}
	return Mutation{MutationID: id, Op: *w.Op, Type: *w.Type, ID: w.ID, Fields: w.Fields, HLC: w.HLC, Base: w.Base}, nil
}

func parseMutationID(raw json.RawMessage) (uint64, error) {
	s := string(bytes.TrimSpace(raw))
	if s == "" || s == "null" {
		return 0, errors.New("mutation_id: is required")
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, errors.New(sprintf("mutation_id: want an integer of 1 or more, got %.40s", s))
	}
	return n, nil
}

func quoteOrMissing(s *string) string {
	if s == nil {
		return "nothing"
	}
	return strconv.Quote(*s)
}

// ValidClientID reports whether s is acceptable as a client_id.
func ValidClientID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// strictUnmarshal decodes exactly one JSON value (trailing data is an error).
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// describeJSONError turns encoding/json errors into "where: what".
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		where := typeErr.Field
		if where == "" {
			where = "value"
		}
		return sprintf("%s: want %s, got JSON %s", where, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return sprintf("bad JSON at byte %d: %s", syntaxErr.Offset, syntaxErr.Error())
	case err.Error() == "EOF":
		return "empty body; want a JSON object"
	case err.Error() == "unexpected EOF":
		return "bad JSON: the body ends early"
	}
	return err.Error()
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "an array"
	case "bool":
		return "true or false"
	case "ptr", "interface":
		return "a value"
	}
	return "a number"
}

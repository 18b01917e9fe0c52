package store

import (
	"bytes"
	"encoding/json"
	"sort"
)

// encoding/json validates and compacts every json.RawMessage it marshals,
// which for a call's growing notes costs more than the fsync of the save.
// Data fields were produced by encoding/json already (or validated when
// they arrived from the hub), so they are spliced in as they are.

// rawObject writes fields as one JSON object, keys sorted.
func rawObject(fields map[string]json.RawMessage) []byte {
	keys := make([]string, 0, len(fields))
	size := 2
	for k, v := range fields {
		keys = append(keys, k)
		size += len(k) + len(v) + 4
	}
	sort.Strings(keys)
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendKey(b, k)
		b = append(b, ':')
		if v := fields[k]; len(v) == 0 {
			b = append(b, "null"...)
		} else {
			b = append(b, v...)
		}
	}
	return append(b, '}')
}

// appendKey appends k as a JSON string. Field names are plain ASCII words,
// which need no escaping and are copied as they are; anything else goes
// through encoding/json, so the bytes are the same either way.
func appendKey(b []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			name, _ := json.Marshal(k)
			return append(b, name...)
		}
	}
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"')
}

// spliceRaw marshals v (whose raw-map field is nil and marshals as
// `"<name>":null` or is omitted) and puts the raw object in that place.
func spliceRaw(v any, name string, fields map[string]json.RawMessage) ([]byte, error) {
	head, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if fields == nil {
		return head, nil
	}
	null := []byte(`"` + name + `":null`)
	if i := bytes.Index(head, null); i >= 0 {
		out := make([]byte, 0, len(head)+256)
		out = append(out, head[:i+len(name)+3]...)
		out = append(out, rawObject(fields)...)
		return append(out, head[i+len(null):]...), nil
	}
	// omitted (omitempty): add it before the closing brace
	out := append([]byte{}, head[:len(head)-1]...)
	if len(head) > 2 {
		out = append(out, ',')
	}
	out = append(out, `"`+name+`":`...)
	out = append(out, rawObject(fields)...)
	return append(out, '}'), nil
}

func encodeEnvelope(e Envelope) ([]byte, error) {
	data := e.Data
	if data == nil {
		data = map[string]json.RawMessage{}
	}
	e.Data = nil
	return spliceRaw(e, "data", data)
}

func encodeMutation(m Mutation) ([]byte, error) {
	fields := m.Fields
	m.Fields = nil
	return spliceRaw(m, "fields", fields)
}

// decodeData fills a typed record from data fields.
func decodeData(data map[string]json.RawMessage, dst any) error {
	return json.Unmarshal(rawObject(data), dst)
}

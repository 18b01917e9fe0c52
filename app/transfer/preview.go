package transfer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// Preview is what the app shows before an import: each column with the field
// it was mapped to and its first values, and what importing would do.
type Preview struct {
	File      string          `json:"file"`
	HeaderKey string          `json:"header_key"`
	Kind      Kind            `json:"kind"`
	Columns   []PreviewColumn `json:"columns"`
	Fields    []Field         `json:"fields"` // what a column can be mapped to for this kind
	Plan      Report          `json:"plan"`   // the dry run
	Problem   string          `json:"problem"`
}

// PreviewColumn is one column of the preview.
type PreviewColumn struct {
	Header  string   `json:"header"`
	Field   Field    `json:"field"` // "" when not imported
	Samples []string `json:"samples"`
}

// mappingKey is where the mapping chosen for a header set is remembered
// (local to this notebook, never synced).
func mappingKey(headerKey string) string { return "import/mapping/" + headerKey }

// PreviewPath reads path, applies mapping — or, when mapping is nil, the one
// remembered for this header set — and plans the import without writing.
func PreviewPath(ctx context.Context, s *store.Store, path string, mapping map[string]Field) (Preview, error) {
	data, err := readSmall(path)
	if err != nil {
		return Preview{File: path}, err
	}
	pv := Preview{File: path}
	if first := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"); len(first) > 0 && first[0] == '{' {
		pv.Kind = KindNDJSON
		parsed := parseNDJSON(filepath.Base(path), bufio.NewReader(bytes.NewReader(data)))
		pv.Plan, err = Apply(ctx, s, filepath.Base(path), parsed, true)
		pv.Plan.Updated = len(parsed.Rows)
		return pv, err
	}
	t, err := decodeTable(filepath.Base(path), bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return pv, err
	}
	pv.HeaderKey = HeaderSetKey(t.header)
	if mapping == nil {
		mapping = rememberedMapping(ctx, s, pv.HeaderKey)
	}
	parsed, perr := parseTable(filepath.Base(path), t, ParseOptions{Mapping: mapping})
	pv.Kind = parsed.Kind
	if pv.Kind == "" {
		pv.Kind = KindAccounts
	}
	pv.Fields = FieldsFor(pv.Kind)
	fields := guessColumns(pv.Kind, t.header, mapping)
	for i, h := range t.header {
		col := PreviewColumn{Header: h, Field: fields[i], Samples: []string{}}
		for _, r := range t.rows {
			if len(col.Samples) == previewRows {
				break
			}
			if countFilled(r.fields) == 0 || footerRow(r.fields) {
				continue
			}
			v := ""
			if i < len(r.fields) {
				v = r.fields[i]
			}
			col.Samples = append(col.Samples, v)
		}
		pv.Columns = append(pv.Columns, col)
	}
	if perr != nil {
		pv.Problem = perr.Error()
		return pv, nil
	}
	pv.Plan, err = Apply(ctx, s, filepath.Base(path), parsed, true)
	return pv, err
}

// ImportPathMapped imports path with mapping and remembers the mapping for
// files with the same header.
func ImportPathMapped(ctx context.Context, s *store.Store, path string, mapping map[string]Field) (Report, error) {
	data, err := readSmall(path)
	if err != nil {
		return Report{File: path}, err
	}
	if mapping == nil {
		if t, err := decodeTable(filepath.Base(path), bufio.NewReader(bytes.NewReader(data))); err == nil {
			mapping = rememberedMapping(ctx, s, HeaderSetKey(t.header))
		}
	}
	rep, err := ImportWith(ctx, s, filepath.Base(path), bytes.NewReader(data), Options{Mapping: mapping})
	if err == nil && len(mapping) > 0 {
		if t, terr := decodeTable(filepath.Base(path), bufio.NewReader(bytes.NewReader(data))); terr == nil {
			b, _ := json.Marshal(mapping)
			err = s.LocalPut(ctx, mappingKey(HeaderSetKey(t.header)), b)
		}
	}
	return rep, err
}

func rememberedMapping(ctx context.Context, s *store.Store, headerKey string) map[string]Field {
	b, err := s.LocalGet(ctx, mappingKey(headerKey))
	if err != nil || len(b) == 0 {
		return nil
	}
	var m map[string]Field
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// maxImportBytes bounds a file the app reads whole (a 100k-row export is
// about 20 MB).
const maxImportBytes = 256 << 20

// readSmall reads a file whole, refusing one past maxImportBytes. It reads
// through a FIFO or device the way it reads a file.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, notebook.Wrap(notebook.Invalid, err, "cannot open %s: %v", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImportBytes+1))
	if err != nil {
		return nil, notebook.Wrap(notebook.Invalid, err, "cannot read %s: %v", path, err)
	}
	if len(data) > maxImportBytes {
		return nil, notebook.Errorf(notebook.Invalid, "%s is larger than %d MB; import it with the command line, fieldnotes import", path, maxImportBytes>>20)
	}
	return data, nil
}

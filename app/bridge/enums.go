package bridge

import "fieldnotes/app/notebook"

// enumValue is the shape Wails' EnumBind reads: one Go constant and the
// name of its TypeScript enum member.
type enumValue[T ~string] struct {
	Value  T
	TSName string
}

func enumOf[T ~string](values []T) []enumValue[T] {
	out := make([]enumValue[T], len(values))
	for i, v := range values {
		out[i] = enumValue[T]{Value: v, TSName: string(v)}
	}
	return out
}

// Enums are the notebook's closed lists that the UI offers, bound with
// options.App.EnumBind so frontend/wailsjs/go/models.ts carries them as
// TypeScript enums (notebook.Signal, notebook.Impact) in the Go order: the
// frontend's lists come from here instead of being typed again.
func Enums() []any {
	return []any{enumOf(notebook.Signals), enumOf(notebook.Impacts)}
}

//go:build bindings

package desktop

// generatingBindings is true while `wails generate module` / `wails build`
// runs the program only to read the bound methods; Run must not open the
// user's notebook (or create a key) then.
const generatingBindings = true

// Package cli is Fieldnotes' command line: `fieldnotes [--data DIR] <command>`
// runs import, export, backup, restore, demo, sync and mail commands in the
// terminal without opening a window; with no command it hands over to the
// desktop window. Every command opens the notebook through app/wiring, the
// composition root the window uses, so both see the same store, vault,
// mail settings and hub settings. It parses flags with the standard
// library's flag package (one FlagSet per command), which is all a handful
// of subcommands needs.
package cli

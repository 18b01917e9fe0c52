package notebook

import (
	"strconv"
	"strings"
)

// SpreadsheetSafe defuses a spreadsheet formula in an exported cell: text
// that starts with = + - @ (or a tab / carriage return) gets a leading
// apostrophe, so a quote like "=HYPERLINK(…)" is shown, not run, when the
// CSV is opened (OWASP CSV injection). Numbers such as -3 stay as they are.
// Every CSV the app and the hub write goes through this one rule.
func SpreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

package bridge

// All returns one of each bound struct, sharing d, for wails options.Bind.
func All(d *Deps) []any {
	return []any{NewHome(d), NewAccounts(d), NewCalls(d), NewEvidence(d), NewHypotheses(d), NewRecruiting(d), NewSearch(d), NewSettings(d),
		NewMail(d), NewAssist(d), NewSync(d), NewProduct(d), NewDeals(d), NewWelcome(d), NewUpdates(d), NewInvites(d)}
}

package demo

import "fieldnotes/app/notebook"

var sig = struct{ yes, no, mixed, unclear notebook.Signal }{notebook.SignalSupports, notebook.SignalRefutes, notebook.SignalMixed, notebook.SignalUnclear}

var hypothesisSeeds = []notebook.Hypothesis{
	{Statement: "Mid-market finance teams will pay for automated month-end reconciliation", Audience: notebook.AudienceAll,
		Rationale: "Close takes 8–12 days at most mid-market customers; reconciliation is half of it and still done in spreadsheets.",
		Segments:  []string{"mid-market", "enterprise"},
		Questions: []notebook.Question{{Text: "How do you reconcile bank and card accounts today?", Kind: notebook.AnswerSignal},
			{Text: "What would closing the books three days faster be worth to you?", Kind: notebook.AnswerWTP},
			{Text: "What stops you from automating it today?", Kind: notebook.AnswerBlocker}}},
	{Statement: "Approvers want to approve invoices inside Slack or Teams, not in our app", Audience: notebook.AudienceCS,
		Rationale: "Approval latency is our top support complaint; approvers log in twice a month.",
		Stages:    []notebook.Stage{notebook.StageCustomer},
		Questions: []notebook.Question{{Text: "Where are your approvers when an invoice is waiting?", Kind: notebook.AnswerSignal},
			{Text: "Which chat tool would approvals need to live in?", Kind: notebook.AnswerCapability}}},
	{Statement: "Customers churn when onboarding takes longer than 30 days", Audience: notebook.AudienceCS,
		Rationale: "Accounts live after day 30 renew at 71% vs 93%.",
		Stages:    []notebook.Stage{notebook.StageCustomer},
		Questions: []notebook.Question{{Text: "How long did it take until your team used Ledgerline every week?", Kind: notebook.AnswerSignal},
			{Text: "What slowed the rollout down?", Kind: notebook.AnswerBlocker}}},
	{Statement: "Logistics and manufacturing prospects need multi-entity consolidation before they buy", Audience: notebook.AudienceSales,
		Rationale: "Lost-deal notes mention subsidiaries in 40% of enterprise losses.",
		Segments:  []string{"enterprise"},
		Questions: []notebook.Question{{Text: "How many legal entities do you consolidate, and how?", Kind: notebook.AnswerSignal},
			{Text: "Would you buy without consolidation if it came within six months?", Kind: notebook.AnswerSignal}}},
	{Statement: "Usage-based pricing would unlock SMB deals we lose on price", Audience: notebook.AudienceSales,
		Segments: []string{"smb"},
		Questions: []notebook.Question{{Text: "How do you prefer to pay for finance software?", Kind: notebook.AnswerWTP},
			{Text: "Was price the reason you chose another tool?", Kind: notebook.AnswerSignal}}},
	{Statement: "CFOs open the new spend dashboard every week", Audience: notebook.AudienceCS,
		Stages:    []notebook.Stage{notebook.StageCustomer},
		Questions: []notebook.Question{{Text: "How often do you look at the spend dashboard, and for what?", Kind: notebook.AnswerUsage}}},
	{Statement: "SSO and SCIM are hard blockers in enterprise security reviews", Audience: notebook.AudienceSales,
		Segments:  []string{"enterprise"},
		Questions: []notebook.Question{{Text: "What does your security review require of a finance tool?", Kind: notebook.AnswerBlocker}}},
	{Statement: "Controllers would trade custom reports for AI-written variance commentary", Audience: notebook.AudienceAll, Status: notebook.StatusDraft,
		Questions: []notebook.Question{{Text: "Who writes the variance commentary today, and how long does it take?", Kind: notebook.AnswerSignal}}},
}

type quoteSeed struct {
	hyp, question int
	signal        notebook.Signal
	note, quote   string
	wtp           *notebook.WTP
	blocker       string
	severity      notebook.Severity
	capability    string
	problem       string
	feature       string
	usage         string
}

var quoteSeeds = []quoteSeed{
	{hyp: 0, question: 0, signal: sig.yes, note: "Recon is still three people and a spreadsheet. \"We spend the first week of every month matching card lines by hand.\" Controller owns it.",
		quote: "We spend the first week of every month matching card lines by hand."},
	{hyp: 0, question: 1, signal: sig.yes, note: "Asked about value of a faster close. CFO: \"If you got us closed by day four I'd find forty euros a seat without asking anyone.\"",
		quote: "If you got us closed by day four I'd find forty euros a seat without asking anyone.", wtp: &notebook.WTP{Amount: 40, Currency: "EUR", Period: "seat_month", BudgetOwner: "CFO"}},
	{hyp: 0, question: 2, signal: sig.mixed, note: "Blocker for automation: the auditors. \"Our auditors want to see every match, so a black box won't fly.\"",
		quote: "Our auditors want to see every match, so a black box won't fly.", blocker: "Auditors need an explainable match trail", severity: notebook.SeverityHigh},
	{hyp: 0, question: 0, signal: sig.no, note: "They use the ERP's built-in matching. \"Honestly our NetSuite rules catch ninety percent already.\"",
		quote: "Honestly our NetSuite rules catch ninety percent already."},
	{hyp: 1, question: 0, signal: sig.yes, note: "Approvers are regional managers on the road. \"They live in Slack; the email reminders just pile up.\"",
		quote: "They live in Slack; the email reminders just pile up.", capability: "Approve invoices from a Slack message", problem: "Invoices wait 6 days for approval"},
	{hyp: 1, question: 1, signal: sig.mixed, note: "Teams shop, not Slack. \"If it's Slack-only it's useless to us, we're a Microsoft house.\"",
		quote: "If it's Slack-only it's useless to us, we're a Microsoft house.", capability: "Approvals in Microsoft Teams"},
	{hyp: 2, question: 0, signal: sig.yes, note: "Rollout dragged. \"It took us two months to get the card feeds connected, and by then half the team had gone back to Excel.\"",
		quote: "It took us two months to get the card feeds connected, and by then half the team had gone back to Excel."},
	{hyp: 2, question: 1, signal: sig.yes, note: "Blocker: the bank connection. \"Our bank needed a signed form for the API feed and nobody told us.\"",
		quote: "Our bank needed a signed form for the API feed and nobody told us.", blocker: "Bank API feed paperwork not explained during onboarding", severity: notebook.SeverityMedium},
	{hyp: 3, question: 0, signal: sig.yes, note: "Seven entities in four countries. \"Consolidation is the whole job for us — without it we'd still need the old system.\"",
		quote: "Consolidation is the whole job for us — without it we'd still need the old system.", blocker: "No multi-entity consolidation", severity: notebook.SeverityCritical},
	{hyp: 3, question: 1, signal: sig.unclear, note: "Asked if they'd buy now with consolidation in six months. \"Maybe, depends what procurement says about roadmap promises.\"",
		quote: "Maybe, depends what procurement says about roadmap promises."},
	{hyp: 4, question: 0, signal: sig.yes, note: "Prefers paying per transaction. \"We'd pay per invoice processed, something like thirty cents, but not a big annual commitment.\"",
		quote: "We'd pay per invoice processed, something like thirty cents, but not a big annual commitment.", wtp: &notebook.WTP{Amount: 0.3, Currency: "USD", Period: "one_time", BudgetOwner: "Office manager"}},
	{hyp: 4, question: 1, signal: sig.no, note: "Lost to a competitor, but not on price. \"Price was fine, they just had the Xero integration we needed.\"",
		quote: "Price was fine, they just had the Xero integration we needed.", capability: "Xero integration", problem: "Books live in Xero"},
	{hyp: 5, question: 0, signal: sig.mixed, note: "CFO looks at the dashboard monthly, not weekly. \"I open it before the board pack, the rest of the month my analyst does.\"",
		quote: "I open it before the board pack, the rest of the month my analyst does.", feature: "Spend dashboard", usage: "Monthly, before the board pack"},
	{hyp: 5, question: 0, signal: sig.yes, note: "Weekly spend review uses it. \"Every Monday we go through the dashboard in the leadership meeting.\"",
		quote: "Every Monday we go through the dashboard in the leadership meeting.", feature: "Spend dashboard", usage: "Weekly leadership review"},
	{hyp: 6, question: 0, signal: sig.yes, note: "Security review: \"No SAML SSO, no deal — that's a checkbox our CISO won't move on.\" SCIM nice to have.",
		quote: "No SAML SSO, no deal — that's a checkbox our CISO won't move on.", blocker: "SAML SSO missing", severity: notebook.SeverityCritical},
	{hyp: 7, question: 0, signal: sig.yes, note: "Variance commentary written by the controller. \"Writing the variance notes eats my last two days of every close.\"",
		quote: "Writing the variance notes eats my last two days of every close."},
}

var accountNames = []string{
	"Globex Logistics", "Initech", "Umbrella Freight", "Hooli Retail", "Vandelay Industries", "Stark Components", "Wayne Shipping", "Cyberdyne Parts",
	"Soylent Foods", "Tyrell Manufacturing", "Wonka Confectionery", "Acme Tooling", "Gringotts Treasury", "Monarch Health", "Oscorp Labs", "Nakatomi Trading",
	"Prestige Worldwide", "Dunder Paper", "Pied Piper", "Bluth Homes", "Sterling Cooper", "Krusty Foods", "Duff Beverages", "Massive Dynamic",
	"Aperture Instruments", "Black Mesa Research", "Virtucon", "Gekko Capital", "Kramerica", "Vehement Capital", "Spacely Sprockets", "Cogswell Cogs",
	"Ollivander Supplies", "Zorg Industries", "Rekall Travel", "Weyland Mining", "Buy n Large", "Ghostwood Timber", "Lacuna Clinics", "Brawndo Nutrition",
}

var firstNames = []string{"Ana", "Ben", "Chiara", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jonas", "Kemi", "Lena", "Marco", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Viktor", "Wen", "Yara"}

var lastNames = []string{"Ruiz", "Okafor", "Lindqvist", "Moreau", "Kowalski", "Haddad", "Nakamura", "Fischer", "Costa", "Byrne", "Novak", "Singh", "Alvarez", "Berg", "Tanaka", "Rossi", "Meyer", "Dubois", "Khan", "Sato"}

var titles = []string{"CFO", "Controller", "AP Manager", "Head of Finance", "Finance Operations Lead", "VP Procurement", "IT Security Lead", "Accountant"}

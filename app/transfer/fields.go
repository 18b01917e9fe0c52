package transfer

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"fieldnotes/app/notebook"
)

// Field is what a column means to the notebook, whatever the CRM calls it.
type Field string

// The fields a column can map to. FieldIgnore drops a column on purpose.
const (
	FieldIgnore       Field = "ignore"
	FieldName         Field = "name"           // account name, or a contact's full name
	FieldDomain       Field = "domain"         // website or domain(s)
	FieldSegment      Field = "segment"        // segment / industry tier
	FieldStage        Field = "stage"          // account: Type / Lifecycle Stage → prospect/customer
	FieldARR          Field = "arr"            // annual revenue
	FieldCRMID        Field = "crm_id"         // this record's id in the CRM
	FieldEmail        Field = "email"          // contact
	FieldFirstName    Field = "first_name"     // contact
	FieldLastName     Field = "last_name"      // contact
	FieldTitle        Field = "title"          // contact's job title
	FieldAccount      Field = "account"        // contact/deal: the company's name
	FieldAccountDom   Field = "account_domain" // contact: the company's domain
	FieldAccountCRMID Field = "account_crm_id" // contact/deal: the company's CRM id
	FieldDeal         Field = "deal"           // deal name
	FieldAmount       Field = "amount"         // deal value
	FieldCurrency     Field = "currency"       // deal currency code
	FieldDealStage    Field = "deal_stage"     // the CRM's pipeline stage
	FieldStatus       Field = "status"         // open/won/lost (Pipedrive), IsWon (Salesforce)
	FieldCloseDate    Field = "close_date"
	FieldLostReason   Field = "lost_reason"
	FieldOwner        Field = "owner"
)

// FieldsFor lists the fields a column of a file of this kind can map to, in
// the order the app's select offers them.
func FieldsFor(k Kind) []Field {
	switch k {
	case KindContacts:
		return []Field{FieldIgnore, FieldEmail, FieldName, FieldFirstName, FieldLastName, FieldTitle, FieldAccount, FieldAccountDom, FieldAccountCRMID, FieldCRMID}
	case KindOpportunities:
		return []Field{FieldIgnore, FieldDeal, FieldAccount, FieldAccountCRMID, FieldAmount, FieldCurrency, FieldDealStage, FieldStatus, FieldCloseDate, FieldLostReason, FieldOwner, FieldCRMID}
	}
	return []Field{FieldIgnore, FieldName, FieldDomain, FieldSegment, FieldStage, FieldARR, FieldCRMID}
}

// Vendor is the CRM a file came from, told by its header; it prefixes the
// CRM ids kept on records ("salesforce:0015g00000AbCdE").
type Vendor string

// Vendors.
const (
	VendorNone       Vendor = ""
	VendorSalesforce Vendor = "salesforce"
	VendorHubSpot    Vendor = "hubspot"
	VendorPipedrive  Vendor = "pipedrive"
)

// headerKey normalises a header for lookup: lower case, single spaces, no
// BOM, trailing "(%)" style noise kept (it tells fields apart).
func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.Join(strings.Fields(h), " ")
}

// The vendors' default export headers, per kind. Salesforce report exports
// use field labels ("Account Name"), Data Loader and Data Export use API
// names ("AnnualRevenue"); HubSpot exports use property labels; Pipedrive
// writes "Entity - Field". Our own column names come first so the
// importer's native files keep working.
var accountAliases = map[string]Field{
	// native
	"name": FieldName, "domain": FieldDomain, "domains": FieldDomain, "segment": FieldSegment,
	"stage": FieldStage, "arr": FieldARR, "crm_id": FieldCRMID, "crm_ids": FieldCRMID,
	// Salesforce report (labels)
	"account name": FieldName, "website": FieldDomain, "annual revenue": FieldARR, "type": FieldStage,
	"account id": FieldCRMID, "account type": FieldStage, "industry": FieldIgnore, "account owner": FieldIgnore,
	"account segment": FieldSegment, "customer segment": FieldSegment,
	// Salesforce Data Loader / Data Export (API names)
	"id": FieldCRMID, "annualrevenue": FieldARR,
	// HubSpot companies
	"record id": FieldCRMID, "company name": FieldName, "company domain name": FieldDomain,
	"website url": FieldDomain, "lifecycle stage": FieldStage, "company owner": FieldIgnore,
	// Pipedrive organizations
	"organization - name": FieldName, "organization - id": FieldCRMID, "organization - website": FieldDomain,
	"organization - annual revenue": FieldARR, "organization - label": FieldIgnore, "organization - owner": FieldIgnore,
}

var contactAliases = map[string]Field{
	// native
	"name": FieldName, "email": FieldEmail, "title": FieldTitle, "account_domain": FieldAccountDom,
	"domain": FieldAccountDom, "crm_id": FieldCRMID, "crm_ids": FieldCRMID,
	// Salesforce report
	"first name": FieldFirstName, "last name": FieldLastName, "full name": FieldName, "contact name": FieldName,
	"email address": FieldEmail, "account name": FieldAccount, "contact id": FieldCRMID, "account id": FieldAccountCRMID,
	"contact owner": FieldIgnore,
	// Salesforce Data Loader
	"id": FieldCRMID, "firstname": FieldFirstName, "lastname": FieldLastName, "accountid": FieldAccountCRMID,
	// HubSpot contacts
	"record id": FieldCRMID, "job title": FieldTitle, "associated company": FieldAccount, "company name": FieldAccount,
	"associated company ids": FieldAccountCRMID, "associated company ids (primary)": FieldAccountCRMID,
	"primary associated company id": FieldAccountCRMID, "lifecycle stage": FieldIgnore, "contact owner (hubspot)": FieldIgnore,
	// Pipedrive persons
	"person - name": FieldName, "person - first name": FieldFirstName, "person - last name": FieldLastName,
	"person - email": FieldEmail, "person - email - work": FieldEmail, "person - id": FieldCRMID,
	"person - organization": FieldAccount, "person - job title": FieldTitle, "organization - name": FieldAccount,
	"organization - id": FieldAccountCRMID, "person - owner": FieldIgnore,
}

var dealAliases = map[string]Field{
	// native
	"deal": FieldDeal, "account": FieldAccount, "amount": FieldAmount, "currency": FieldCurrency,
	"deal_stage": FieldDealStage, "status": FieldStatus, "close_date": FieldCloseDate, "lost_reason": FieldLostReason,
	"owner": FieldOwner, "crm_id": FieldCRMID, "account_crm_id": FieldAccountCRMID,
	// Salesforce report
	"opportunity name": FieldDeal, "account name": FieldAccount, "stage": FieldDealStage, "close date": FieldCloseDate,
	"opportunity id": FieldCRMID, "account id": FieldAccountCRMID, "opportunity owner": FieldOwner,
	"opportunity currency": FieldCurrency, "amount currency": FieldCurrency, "won": FieldStatus, "loss reason": FieldLostReason,
	"closed lost reason": FieldLostReason, "type": FieldIgnore, "probability (%)": FieldIgnore,
	// Salesforce Data Loader
	"id": FieldCRMID, "name": FieldDeal, "accountid": FieldAccountCRMID, "stagename": FieldDealStage, "closedate": FieldCloseDate,
	"iswon": FieldStatus, "currencyisocode": FieldCurrency, "ownerid": FieldOwner,
	// HubSpot deals
	"record id": FieldCRMID, "deal name": FieldDeal, "deal stage": FieldDealStage, "deal owner": FieldOwner,
	"associated company": FieldAccount, "associated company ids": FieldAccountCRMID,
	"associated company ids (primary)": FieldAccountCRMID, "closed lost reason (hubspot)": FieldLostReason,
	"deal currency code": FieldCurrency, "pipeline": FieldIgnore, "deal type": FieldIgnore,
	// Pipedrive deals
	"deal - title": FieldDeal, "deal - value": FieldAmount, "deal - currency": FieldCurrency, "deal - organization": FieldAccount,
	"deal - organization id": FieldAccountCRMID, "organization - id": FieldAccountCRMID, "organization - name": FieldAccount,
	"deal - stage": FieldDealStage, "deal - status": FieldStatus, "deal - expected close date": FieldCloseDate,
	"deal - lost reason": FieldLostReason, "deal - owner": FieldOwner, "deal - id": FieldCRMID,
}

// detectKind tells accounts, contacts and deals apart by the header: a deal
// names a deal or opportunity; a contact names an email or a person's name.
func detectKind(header []string, mapping map[string]Field) (Kind, bool) {
	keys := map[string]bool{}
	for _, h := range header {
		keys[headerKey(h)] = true
	}
	anyOf := func(names ...string) bool {
		for _, n := range names {
			if keys[n] {
				return true
			}
		}
		return false
	}
	mapped := func(fs ...Field) bool {
		for _, f := range mapping {
			for _, want := range fs {
				if f == want {
					return true
				}
			}
		}
		return false
	}
	switch {
	case anyOf("opportunity name", "opportunity id", "deal name", "deal - title", "deal - id", "deal - value", "stagename", "deal", "deal stage") || mapped(FieldDeal):
		return KindOpportunities, true
	case anyOf("email", "email address", "person - email", "person - email - work", "first name", "firstname", "person - name", "contact id") || mapped(FieldEmail):
		return KindContacts, true
	case anyOf("name", "account name", "company name", "organization - name") || mapped(FieldName):
		return KindAccounts, true
	}
	return "", false
}

func aliasesFor(k Kind) map[string]Field {
	switch k {
	case KindContacts:
		return contactAliases
	case KindOpportunities:
		return dealAliases
	}
	return accountAliases
}

// detectVendor tells the CRM by header style; an own-format file has none.
func detectVendor(header []string) Vendor {
	for _, h := range header {
		k := headerKey(h)
		switch {
		case strings.HasPrefix(k, "organization - "), strings.HasPrefix(k, "person - "), strings.HasPrefix(k, "deal - "):
			return VendorPipedrive
		case k == "record id", k == "associated company", k == "company domain name", k == "lifecycle stage", k == "deal stage":
			return VendorHubSpot
		case k == "account id", k == "opportunity id", k == "contact id", k == "id", k == "account name", k == "opportunity name", k == "annualrevenue", k == "stagename":
			return VendorSalesforce
		}
	}
	return VendorNone
}

// guessColumns gives each column its field: the user's mapping first (by
// header), then the vendors' names; everything else is left unmapped.
// Only the first column of a field counts (later ones become ignore), so two
// "Website" columns do not fight.
func guessColumns(k Kind, header []string, mapping map[string]Field) []Field {
	aliases := aliasesFor(k)
	out := make([]Field, len(header))
	taken := map[Field]bool{}
	for i, h := range header {
		key := headerKey(h)
		f, ok := mapping[key]
		if !ok {
			f = aliases[key]
		}
		if f != "" && f != FieldIgnore && taken[f] {
			f = FieldIgnore
		}
		taken[f] = true
		out[i] = f
	}
	return out
}

// ParseMapping reads the CLI's --map "Firmenname=name,Webseite=domain".
func ParseMapping(s string) (map[string]Field, error) {
	out := map[string]Field{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, pair := range strings.Split(s, ",") {
		header, field, ok := strings.Cut(pair, "=")
		header, field = strings.TrimSpace(header), strings.TrimSpace(strings.ToLower(field))
		if !ok || header == "" || field == "" {
			return nil, notebook.Errorf(notebook.Invalid, "--map %q: each pair must be Header=field, e.g. Firmenname=name", pair)
		}
		f := Field(field)
		if !knownField(f) {
			return nil, notebook.Errorf(notebook.Invalid, "--map %q: %q is not a field; use one of %s", pair, field, strings.Join(allFieldNames(), ", "))
		}
		out[headerKey(header)] = f
	}
	return out, nil
}

func knownField(f Field) bool {
	for _, n := range allFieldNames() {
		if string(f) == n {
			return true
		}
	}
	return false
}

func allFieldNames() []string {
	seen := map[Field]bool{}
	var out []string
	for _, k := range []Kind{KindAccounts, KindContacts, KindOpportunities} {
		for _, f := range FieldsFor(k) {
			if !seen[f] {
				seen[f] = true
				out = append(out, string(f))
			}
		}
	}
	sort.Strings(out)
	return out
}

// HeaderSetKey names a header set, so the app can remember the mapping the
// user chose for files shaped like this one.
func HeaderSetKey(header []string) string {
	keys := make([]string, len(header))
	for i, h := range header {
		keys[i] = headerKey(h)
	}
	sum := sha256.Sum256([]byte(strings.Join(keys, "\x1f")))
	return hex.EncodeToString(sum[:8])
}

// MappingOf turns the app's header → field choices into a mapping; nil stays
// nil (use the one remembered for the header set) and "" means not imported.
func MappingOf(choices map[string]string) (map[string]Field, error) {
	if choices == nil {
		return nil, nil
	}
	out := map[string]Field{}
	for h, f := range choices {
		field := Field(f)
		if f == "" {
			field = FieldIgnore
		}
		if !knownField(field) {
			return nil, notebook.Errorf(notebook.Invalid, "%q is not a field; use one of %s", f, strings.Join(allFieldNames(), ", "))
		}
		out[headerKey(h)] = field
	}
	return out, nil
}

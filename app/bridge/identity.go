package bridge

import (
	"context"
	"encoding/json"

	"fieldnotes/app/notebook"
)

// Who is writing: evidence, calls and Settings used the laptop's OS login
// ("root" on Insights, issue 16). Once the notebook has a hub, the author
// is the hub user's email as the hub last confirmed it (GET /v1/me, cached
// by Product.Me under meKey); without one, the OS login stays. The field
// role (sales or cs) is the rep's own choice in Settings, kept in this
// notebook's local state; FIELDNOTES_ROLE is only the default.

const fieldRoleKey = "profile/field_role"

// author is the name stamped on what this notebook's user records.
func (d *Deps) author() string {
	if me, ok := cachedMeOf(d); ok && me.Email != "" {
		return me.Email
	}
	return d.Author
}

// role is the user's field role for the roll-up by role and for which
// hypotheses they are shown ("" sees every hypothesis).
func (d *Deps) role() notebook.Audience {
	if r := hubAudience(d); r != "" {
		return r
	}
	if ls := localOf(d); ls != nil {
		if b, err := ls.LocalGet(context.Background(), fieldRoleKey); err == nil {
			if r := notebook.Audience(b); r == notebook.AudienceSales || r == notebook.AudienceCS {
				return r
			}
		}
	}
	return d.Role
}

// hubAudience is the role an admin set on the hub, as the hub last said;
// it wins over the rep's own pick.
func hubAudience(d *Deps) notebook.Audience {
	me, _ := cachedMeOf(d)
	if r := notebook.Audience(me.Audience); r == notebook.AudienceSales || r == notebook.AudienceCS {
		return r
	}
	return ""
}

func cachedMeOf(d *Deps) (MeDTO, bool) {
	ls := localOf(d)
	if ls == nil {
		return MeDTO{}, false
	}
	b, err := ls.LocalGet(context.Background(), meKey)
	if err != nil {
		return MeDTO{}, false
	}
	var me MeDTO
	return me, json.Unmarshal(b, &me) == nil
}

// SetFieldRole records the rep's field role, "sales" or "cs", once for
// this notebook (Settings). Evidence recorded from now on carries it.
func (s *Settings) SetFieldRole(role string) (i SettingsInfo, err error) {
	defer guard(s.d.Log, "Settings.SetFieldRole", &err)
	r := notebook.Audience(role)
	if r != notebook.AudienceSales && r != notebook.AudienceCS {
		return i, notebook.Errorf(notebook.Invalid, "role: choose sales or cs, not %q", role)
	}
	if r := hubAudience(s.d); r != "" {
		return i, notebook.Errorf(notebook.Forbidden, "your admin set your role to %s on the hub; ask them to change it", audienceWords(r))
	}
	ls := localOf(s.d)
	if ls == nil {
		return i, notebook.Errorf(notebook.Conflict, "this notebook cannot keep settings")
	}
	if err := ls.LocalPut(context.Background(), fieldRoleKey, []byte(r)); err != nil {
		return i, err
	}
	return s.Info()
}

func audienceWords(a notebook.Audience) string {
	if a == notebook.AudienceCS {
		return "customer success"
	}
	return "sales"
}

package imapsync

import (
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

func TestSettingsValidate(t *testing.T) {
	good := Settings{Host: "imap.example.com", Port: 993, Security: SecurityTLS, Username: "rep", Password: "pw"}
	if err := good.Validate(); err != nil {
		t.Fatalf("good settings: %v", err)
	}
	cases := map[string]struct {
		edit  func(*Settings)
		field string
	}{
		"no host":              {func(s *Settings) { s.Host = " " }, "host"},
		"port 0":               {func(s *Settings) { s.Port = 0 }, "port"},
		"port too big":         {func(s *Settings) { s.Port = 70000 }, "port"},
		"unknown security":     {func(s *Settings) { s.Security = "ssl3" }, "security"},
		"clear text to remote": {func(s *Settings) { s.Security = SecurityNone }, "security"},
		"no user":              {func(s *Settings) { s.Username = "" }, "username"},
		"no password":          {func(s *Settings) { s.Password = "" }, "password"},
		"unknown auth":         {func(s *Settings) { s.Auth = "ntlm" }, "auth"},
	}
	for name, c := range cases {
		s := good
		c.edit(&s)
		err := s.Validate()
		var nb *notebook.Error
		if !notebook.IsCode(err, notebook.Invalid) || !asNotebook(err, &nb) || nb.Fields[c.field] == "" {
			t.Errorf("%s: %v (fields %v)", name, err, nb)
		}
		if strings.Contains(err.Error(), "pw") && c.field != "password" {
			t.Errorf("%s: password in the message: %v", name, err)
		}
	}
	for _, host := range []string{"127.0.0.1", "::1", "[::1]", "localhost"} {
		s := good
		s.Host, s.Security = host, SecurityNone
		if err := s.Validate(); err != nil {
			t.Errorf("security none on %s: %v", host, err)
		}
	}
}

func asNotebook(err error, target **notebook.Error) bool {
	e, ok := err.(*notebook.Error)
	*target = e
	return ok
}

package ortsplan

import (
	"strings"
	"testing"
)

func TestStaffMessageValidate(t *testing.T) {
	group := Audience{Kind: AudienceGroup, LocalityID: 1, TargetID: 2}
	nonce := "abcdefghijklmnop"
	cases := []struct {
		name   string
		m      StaffMessage
		fields []string
	}{
		{"fine", StaffMessage{Audience: group, Subject: "Hej", Body: "Text", Nonce: nonce}, nil},
		{"followers need no target", StaffMessage{Audience: Audience{Kind: AudienceFollowers, LocalityID: 1}, Subject: "Hej", Body: "Text", Nonce: nonce}, nil},
		{"followers with a target", StaffMessage{Audience: Audience{Kind: AudienceFollowers, LocalityID: 1, TargetID: 3}, Subject: "Hej", Body: "Text", Nonce: nonce}, []string{"audience"}},
		{"group without a target", StaffMessage{Audience: Audience{Kind: AudienceGroup, LocalityID: 1}, Subject: "Hej", Body: "Text", Nonce: nonce}, []string{"audience"}},
		{"unknown audience", StaffMessage{Audience: Audience{Kind: "alla", TargetID: 1}, Subject: "Hej", Body: "Text", Nonce: nonce}, []string{"audience"}},
		{"empty", StaffMessage{Audience: group, Subject: " \n ", Body: "\r\n \n", Nonce: nonce}, []string{"subject", "body"}},
		{"subject too long", StaffMessage{Audience: group, Subject: strings.Repeat("å", MaxMessageSubject+1), Body: "x", Nonce: nonce}, []string{"subject"}},
		{"subject at the limit", StaffMessage{Audience: group, Subject: strings.Repeat("å", MaxMessageSubject), Body: "x", Nonce: nonce}, nil},
		{"body too long", StaffMessage{Audience: group, Subject: "x", Body: strings.Repeat("ö", MaxMessageBody+1), Nonce: nonce}, []string{"body"}},
		{"no nonce", StaffMessage{Audience: group, Subject: "x", Body: "y"}, []string{"nonce"}},
		{"bad nonce", StaffMessage{Audience: group, Subject: "x", Body: "y", Nonce: "abcdefghijklmnop!"}, []string{"nonce"}},
	}
	for _, c := range cases {
		fe := FieldErrors(c.m.Validate())
		if len(fe) != len(c.fields) {
			t.Errorf("%s: errors %v, want %v", c.name, fe, c.fields)
			continue
		}
		for _, f := range c.fields {
			if fe[f] == "" {
				t.Errorf("%s: no error for %s in %v", c.name, f, fe)
			}
		}
	}
	m := StaffMessage{Audience: Audience{Kind: AudienceGroup, TargetID: 2, Waitlist: true}, Subject: "  Möte\r\n i kväll ", Body: "\n\nRad ett\r\nRad två  \n\n", Nonce: nonce}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Möte i kväll" || m.Body != "Rad ett\nRad två" || m.Audience.Waitlist {
		t.Fatalf("normalised: %q %q %v", m.Subject, m.Body, m.Audience.Waitlist)
	}
}

package ortsplan

import (
	"slices"
	"testing"
)

func TestContactChoiceValidate(t *testing.T) {
	many := make([]int64, MaxContacts+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	cases := []struct {
		name    string
		in      ContactChoice
		wantIDs []int64
		field   string // the field with an error, "" for none
		key     string
	}{
		{"none", ContactChoice{}, []int64{}, "", ""},
		{"one, owner", ContactChoice{IDs: []int64{4}, PageOwner: 4}, []int64{4}, "", ""},
		{"owner need not be first", ContactChoice{IDs: []int64{4, 7, 2}, PageOwner: 2}, []int64{4, 7, 2}, "", ""},
		{"repeats dropped, first place kept", ContactChoice{IDs: []int64{4, 7, 4, 7}, PageOwner: 7}, []int64{4, 7}, "", ""},
		{"no owner chosen", ContactChoice{IDs: []int64{4, 7}}, []int64{4, 7}, "page_owner", "error.page_owner_required"},
		{"owner not a contact", ContactChoice{IDs: []int64{4, 7}, PageOwner: 9}, []int64{4, 7}, "page_owner", "error.page_owner_not_contact"},
		{"owner without contacts", ContactChoice{PageOwner: 9}, []int64{}, "page_owner", "error.page_owner_not_contact"},
		{"bad ids dropped", ContactChoice{IDs: []int64{0, -3, 5}, PageOwner: 5}, []int64{5}, "", ""},
		{"too many", ContactChoice{IDs: many, PageOwner: 1}, many, "contacts", "error.contacts_too_many"},
		{"exactly the most", ContactChoice{IDs: many[:MaxContacts], PageOwner: 1}, many[:MaxContacts], "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			err := in.Validate()
			if !slices.Equal(in.IDs, c.wantIDs) {
				t.Errorf("ids %v, want %v", in.IDs, c.wantIDs)
			}
			got := FieldErrors(err)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v (%v)", err, got)
				}
				return
			}
			if got[c.field] != c.key || len(got) != 1 {
				t.Fatalf("errors %v, want %s: %s", got, c.field, c.key)
			}
		})
	}
}

func TestOrderContacts(t *testing.T) {
	cases := []struct {
		name string
		in   []ContactPlace
		want []int64
	}{
		{"empty", nil, []int64{}},
		{"by place", []ContactPlace{{1, 3}, {2, 1}, {3, 2}}, []int64{2, 3, 1}},
		{"no place goes last, in form order", []ContactPlace{{1, 0}, {2, 2}, {3, 0}, {4, 1}}, []int64{4, 2, 1, 3}},
		{"equal places keep form order", []ContactPlace{{5, 1}, {6, 1}, {7, 1}}, []int64{5, 6, 7}},
		{"gaps are fine", []ContactPlace{{1, 10}, {2, 5}}, []int64{2, 1}},
		{"none typed keeps form order", []ContactPlace{{9, 0}, {8, 0}}, []int64{9, 8}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := OrderContacts(c.in); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}

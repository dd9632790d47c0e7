package ortsplan

import (
	"reflect"
	"strings"
	"testing"
)

func TestCheckArchive(t *testing.T) {
	for _, tc := range []struct {
		name    string
		already bool
		reason  string
		want    string
		code    string
		key     string
	}{
		{"a reason", false, "  Dubblett av åtgärd 12 ", "Dubblett av åtgärd 12", "", ""},
		{"three characters", false, "fel", "fel", "", ""},
		{"three letters with å", false, "åäö", "åäö", "", ""},
		{"500 characters", false, strings.Repeat("ö", 500), strings.Repeat("ö", 500), "", ""},
		{"empty", false, "", "", EINVALID, "archive.reason_required"},
		{"only spaces", false, "   \n ", "", EINVALID, "archive.reason_required"},
		{"two characters", false, " ja ", "", EINVALID, "archive.reason_short"},
		{"501 characters", false, strings.Repeat("ä", 501), "", EINVALID, "archive.reason_long"},
		{"already archived", true, "Dubblett", "", ECONFLICT, "archive.already"},
		{"already archived, no reason", true, "", "", ECONFLICT, "archive.already"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckArchive(tc.already, tc.reason)
			if got != tc.want || ErrorCode(err) != tc.code {
				t.Fatalf("CheckArchive(%v, %q) = %q, %v; want %q, %q", tc.already, tc.reason, got, err, tc.want, tc.code)
			}
			if err != nil {
				if e, ok := err.(*Error); !ok || e.Key != tc.key {
					t.Errorf("key = %v, want %s", err, tc.key)
				}
				if tc.code == EINVALID && FieldErrors(err)["archive_reason"] != tc.key {
					t.Errorf("field errors = %v", FieldErrors(err))
				}
			}
		})
	}
}

func TestArchiveCascade(t *testing.T) {
	// Theme 1: 10 with sub-actions 11 and 12 (12 archived), 20; theme 2: 30 with 31.
	plan := []ArchiveNode{
		{ID: 10, ThemeID: 1}, {ID: 11, ThemeID: 1, ParentID: 10}, {ID: 12, ThemeID: 1, ParentID: 10, Archived: true},
		{ID: 20, ThemeID: 1}, {ID: 30, ThemeID: 2}, {ID: 31, ThemeID: 2, ParentID: 30}, {ID: 40, ThemeID: 3, Archived: true},
	}
	for _, tc := range []struct {
		name              string
		themeID, actionID int64
		want              []int64
	}{
		{"a focus area takes all its live actions and sub-actions", 1, 0, []int64{10, 11, 20}},
		{"another focus area", 2, 0, []int64{30, 31}},
		{"a focus area whose actions are all archived", 3, 0, nil},
		{"a focus area without actions", 9, 0, nil},
		{"an action takes its live sub-actions", 1, 10, []int64{11}},
		{"an action without sub-actions", 1, 20, nil},
		{"a sub-action takes nothing", 1, 11, nil},
		{"an action in another focus area", 2, 30, []int64{31}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ArchiveCascade(tc.themeID, tc.actionID, plan); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ArchiveCascade(%d, %d) = %v, want %v", tc.themeID, tc.actionID, got, tc.want)
			}
		})
	}
}

package ortsplan

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Archiving removes a focus area, an action, a meeting or a meeting's file
// from everything public without deleting it: the row stays in the database
// with when, by whom and why, and the history records it with the reason.
// Public records are never deleted.

// Archive reason limits, in characters.
const (
	MinArchiveReason = 3
	MaxArchiveReason = 500
)

// Archived is when, by whom and why a row was archived; the zero value is a
// row that is not.
type Archived struct {
	At     time.Time
	By     int64
	Reason string
}

// IsArchived reports whether the row is archived.
func (a Archived) IsArchived() bool { return !a.At.IsZero() }

// CheckArchive decides whether a row may be archived with reason: the reason
// is required, 3 to 500 characters once trimmed (EINVALID on the field
// "archive_reason"), and a row already archived cannot be archived again
// (ECONFLICT). It returns the trimmed reason.
func CheckArchive(already bool, reason string) (string, error) {
	if already {
		return "", &Error{Code: ECONFLICT, Key: "archive.already"}
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return "", FieldError("archive_reason", "archive.reason_required")
	case n < MinArchiveReason:
		return "", FieldError("archive_reason", "archive.reason_short")
	case n > MaxArchiveReason:
		return "", FieldError("archive_reason", "archive.reason_long")
	}
	return reason, nil
}

// ArchiveNode is an action as the archiving rule needs it.
type ArchiveNode struct {
	ID, ThemeID, ParentID int64
	Archived              bool
}

// ArchiveCascade returns the live actions that are archived along with a
// focus area (themeID, actionID 0) or an action (actionID): archiving a focus
// area archives all its live actions and sub-actions, and archiving an action
// archives its live sub-actions, so nothing is left public under a parent
// that is gone. The action itself is not in the list. Actions already
// archived keep their own record and are left out.
func ArchiveCascade(themeID, actionID int64, actions []ArchiveNode) []int64 {
	var out []int64
	for _, a := range actions {
		if a.Archived || a.ID == actionID {
			continue
		}
		if actionID != 0 && a.ParentID == actionID || actionID == 0 && a.ThemeID == themeID {
			out = append(out, a.ID)
		}
	}
	return out
}

// ArchivedItem is one archived row, as the staff's list of what is archived
// shows it.
type ArchivedItem struct {
	Kind      string // theme, action, meeting, file
	ID        int64
	MeetingID int64 // a file's meeting
	Title     string
	Archived
	ByName string
}

// MaxArchivedItems is how many archived items a locality's archive list shows.
const MaxArchivedItems = 200

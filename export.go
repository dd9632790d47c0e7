package ortsplan

import "context"

// ExportService gives staff the personal data of the localities they work
// on as files to take away, and writes each export to the audit log: who
// took which list, when, and how many rows.
type ExportService interface {
	// ExportSignUps returns the sign-ups within the filter that the acting
	// staff member may see, oldest first, and logs the export.
	ExportSignUps(ctx context.Context, f SignUpFilter) ([]*SignUp, error)
	// ExportRegistrations returns a meeting's registrations to those who may
	// edit its locality, and logs the export.
	ExportRegistrations(ctx context.Context, meetingID int64) ([]*Registration, error)
}

package web_test

import (
	"io"
	"log/slog"
	"os"
)

// discardLogger hides the server's logs in tests; ORTSPLAN_TEST_LOG=1 shows them.
func discardLogger() *slog.Logger {
	var w io.Writer = io.Discard
	if os.Getenv("ORTSPLAN_TEST_LOG") != "" {
		w = os.Stderr
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

package ortsplan

import (
	"context"
	"time"
)

type historyKey struct{}

// NewHistoryContext returns a context in which u acts (SystemUser: the
// system itself; nil: nobody yet, for a resident to act in) and the store dates what is written at at instead of now: for
// loading history that happened before the site existed, as the demo does,
// through the ordinary write paths and their rules. Only a system context
// may make one (the HTTP layer never has one); from any other context it
// returns ctx unchanged.
func NewHistoryContext(ctx context.Context, u *User, at time.Time) context.Context {
	if !IsSystem(ctx) {
		return ctx
	}
	if u != SystemUser {
		ctx = context.WithValue(context.WithValue(ctx, systemKey, false), userKey, u)
	}
	return context.WithValue(ctx, historyKey{}, at.UTC())
}

// HistoryTime returns the time a history context dates its writes at.
func HistoryTime(ctx context.Context) (time.Time, bool) {
	t, ok := ctx.Value(historyKey{}).(time.Time)
	return t, ok && !t.IsZero()
}

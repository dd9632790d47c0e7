package ortsplan

import (
	"context"
	"testing"
	"time"
)

// TestHistoryContextOnlyFromTheSystem: only a system context can make a
// history context; it names who acts (the system kept only for SystemUser).
func TestHistoryContextOnlyFromTheSystem(t *testing.T) {
	at := time.Date(2012, 4, 1, 10, 0, 0, 0, time.UTC)
	coord := &User{ID: 7, Role: RoleCoordinator}
	sys := NewSystemContext(context.Background())
	cases := []struct {
		name       string
		ctx        context.Context
		u          *User
		wantTime   bool
		wantSystem bool
		wantUserID int64
	}{
		{"a request's context", NewContextWithUser(context.Background(), coord), coord, false, false, 7},
		{"nobody's context", context.Background(), SystemUser, false, false, 0},
		{"the system as the coordinator", sys, coord, true, false, 7},
		{"the system as itself", sys, SystemUser, true, true, 0},
		{"the system for a resident", sys, nil, true, false, 0},
	}
	for _, c := range cases {
		ctx := NewHistoryContext(c.ctx, c.u, at)
		got, ok := HistoryTime(ctx)
		if ok != c.wantTime || (ok && !got.Equal(at)) || IsSystem(ctx) != c.wantSystem || UserIDFromContext(ctx) != c.wantUserID {
			t.Errorf("%s: time %s %v, system %v, user %d", c.name, got, ok, IsSystem(ctx), UserIDFromContext(ctx))
		}
	}
}

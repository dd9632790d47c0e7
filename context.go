package ortsplan

import "context"

type ctxKey int

const (
	actorKey ctxKey = iota
	sessionKey
)

// WithActor returns a context that records which staff account acts, for the audit log.
func WithActor(ctx context.Context, userID int64) context.Context {
	return context.WithValue(ctx, actorKey, userID)
}

// ActorFrom returns the acting account's id, or 0.
func ActorFrom(ctx context.Context) int64 {
	id, _ := ctx.Value(actorKey).(int64)
	return id
}

// WithSession returns a context carrying the current session token.
func WithSession(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, sessionKey, token)
}

// SessionFrom returns the current session token, or "".
func SessionFrom(ctx context.Context) string {
	tok, _ := ctx.Value(sessionKey).(string)
	return tok
}

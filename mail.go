package ortsplan

import (
	"context"
	"time"
)

// Outbox message statuses.
const (
	MessagePending = "pending" // waiting to be sent, or to be retried
	MessageSent    = "sent"
	MessageFailed  = "failed" // the worker gave up
)

// Message is an e-mail waiting in, or sent from, the outbox.
type Message struct {
	ID            int64
	To, ToName    string
	Subject       string
	Text, HTML    string            // plain-text and HTML parts; HTML may be empty
	Lang          string            // "sv" or "en", the recipient's language
	Headers       map[string]string // extra headers, e.g. List-Unsubscribe
	Status        string            // MessagePending, MessageSent or MessageFailed
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time // zero until sent
}

// Outbox is the queue the mail worker reads. Messages are written into it in the
// same transaction as the change that causes them (see sqlstore).
type Outbox interface {
	// ClaimMessages leases up to n due pending messages to this worker for lease; a
	// message claimed by one worker is not returned to another until the lease ends.
	ClaimMessages(ctx context.Context, n int, lease time.Duration) ([]*Message, error)
	// MarkSent records that a message was handed to the SMTP server.
	MarkSent(ctx context.Context, id int64) error
	// MarkFailed records a failed attempt: retry at retryAt, or give up when permanent.
	MarkFailed(ctx context.Context, id int64, errText string, retryAt time.Time, permanent bool) error
	// ListMessages returns up to limit messages, newest first, for
	// /admin/utkorg; only for accounts that may read the outbox.
	ListMessages(ctx context.Context, limit int) ([]*Message, error)
	// FindMessage returns one message, or ENOTFOUND; only for accounts that
	// may read the outbox.
	FindMessage(ctx context.Context, id int64) (*Message, error)
}

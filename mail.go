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
	// Key is the left part of the message's Message-ID, drawn once when the
	// message is queued: every attempt carries the same Message-ID, so a
	// receiving server can drop a copy it already has.
	Key string
	// Claim names the claim that holds the message, set by ClaimMessages; the
	// worker renews or releases only what its claim still holds.
	Claim string
}

// MessageStatuses are the outbox's states, in the order the admin page shows them.
var MessageStatuses = []string{MessagePending, MessageSent, MessageFailed}

// MessageFilter selects a page of the outbox for /admin/utkorg: newest first,
// of one status or of all ("").
type MessageFilter struct {
	Status string
	// Before, when above 0, starts the page after the message with this id:
	// only older messages (smaller ids) are listed.
	Before int64
	Limit  int // at most MaxMessagePage
}

// MaxMessagePage is the most messages one page of the outbox lists.
const MaxMessagePage = 200

// OutboxStats are the outbox's totals by status and the oldest waiting message.
type OutboxStats struct {
	Pending, Sent, Failed int
	// OldestPending is when the oldest message still waiting was queued; zero
	// when nothing waits.
	OldestPending time.Time
}

// Outbox is the queue the mail worker reads. Messages are written into it in the
// same transaction as the change that causes them (see sqlstore).
type Outbox interface {
	// ClaimMessages leases up to n due pending messages to this worker for lease; a
	// message claimed by one worker is not returned to another until the lease ends.
	// New messages and retries are taken in turn, so retries never hold back new mail.
	ClaimMessages(ctx context.Context, n int, lease time.Duration) ([]*Message, error)
	// RenewMessages extends the lease of the claimed messages to lease from now
	// and returns those the claim still held (in the order given).
	RenewMessages(ctx context.Context, ms []*Message, lease time.Duration) ([]*Message, error)
	// ReleaseMessages gives claimed messages that were not tried back to the
	// queue, due at once, without counting an attempt (a worker stopping).
	ReleaseMessages(ctx context.Context, ms []*Message) error
	// MarkSent records that a message was handed to the SMTP server.
	MarkSent(ctx context.Context, id int64) error
	// MarkFailed records a failed attempt: retry at retryAt, or give up when permanent.
	MarkFailed(ctx context.Context, id int64, errText string, retryAt time.Time, permanent bool) error
	// ListMessages returns up to limit messages, newest first, with their
	// text; only for accounts that may read the outbox.
	ListMessages(ctx context.Context, limit int) ([]*Message, error)
	// Messages returns one page of the outbox for /admin/utkorg, newest first,
	// without the messages' text; only for accounts that may read the outbox.
	Messages(ctx context.Context, f MessageFilter) ([]*Message, error)
	// OutboxStats returns the totals by status and the oldest waiting message;
	// only for accounts that may read the outbox.
	OutboxStats(ctx context.Context) (OutboxStats, error)
	// RetryMessage makes a failed message pending and due now, with a fresh
	// series of attempts; a pending message is left as it is, a sent one is
	// ECONFLICT. Only for accounts that may read the outbox; audited.
	RetryMessage(ctx context.Context, id int64) error
	// FindMessage returns one message, or ENOTFOUND; only for accounts that
	// may read the outbox.
	FindMessage(ctx context.Context, id int64) (*Message, error)
}

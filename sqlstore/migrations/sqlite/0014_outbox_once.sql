-- Mail once: a stable Message-ID per message, leases that can be released,
-- and an index for every query of the worker, the admin page and /metrics.
--
-- message_key is the left part of the message's Message-ID, drawn once when
-- the message is queued, so every retry carries the same Message-ID and a
-- receiving server can drop a duplicate. Messages already queued get one here.
-- claim_token names the claim that holds a message (with claimed_until), so
-- a worker releases or renews only the messages it still holds.
ALTER TABLE outbox ADD COLUMN message_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claim_token TEXT;
UPDATE outbox SET message_key = lower(hex(randomblob(16))) WHERE message_key = '';

-- The worker takes new messages and retries from separate queues, so that a
-- long line of retries never holds back new mail (see ClaimMessages).
DROP INDEX outbox_due;
CREATE INDEX outbox_due_new ON outbox (status, next_attempt_at, id) WHERE attempts = 0;
CREATE INDEX outbox_due_retry ON outbox (status, next_attempt_at, id) WHERE attempts > 0;
-- The admin page's list by state, newest first, and the totals by state.
CREATE INDEX outbox_status ON outbox (status, id);
-- Retention: mail by the time it was sent.
CREATE INDEX outbox_sent_at ON outbox (status, sent_at);

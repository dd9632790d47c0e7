-- After a sign-up the person is shown what they sent on a page of its own
-- (post, redirect, get). The page is reached with a one-time secret kept here
-- as a hash, valid until receipt_expires; without it nobody sees the sign-up.
ALTER TABLE signups ADD COLUMN receipt_hash TEXT;
ALTER TABLE signups ADD COLUMN receipt_expires TIMESTAMP;
CREATE UNIQUE INDEX signups_receipt ON signups (receipt_hash) WHERE receipt_hash IS NOT NULL;

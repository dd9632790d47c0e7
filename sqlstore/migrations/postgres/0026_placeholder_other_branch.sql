-- Placeholder: version 0026 belongs to another branch (issue 17 parts 1–2).
-- Delete this file when that branch is merged; it only keeps the numbers
-- contiguous so that 0027 runs here.
SELECT 1;

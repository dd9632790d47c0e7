-- A locality's picture: its stored sizes (JSON) and alternative text.
ALTER TABLE localities ADD COLUMN image_variants TEXT NOT NULL DEFAULT '[]';
ALTER TABLE localities ADD COLUMN image_alt TEXT NOT NULL DEFAULT '';

-- The effects dashboard: when actions were finished, indexes for its figures,
-- and a per-locality change marker that triggers bump in the same transaction
-- as every change to the records the figures come from, so cached figures are
-- never served after a change.
ALTER TABLE actions ADD COLUMN done_at TIMESTAMPTZ;
UPDATE actions SET done_at = updated_at WHERE status = 'genomford';

CREATE FUNCTION actions_done_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status <> 'genomford' THEN
		NEW.done_at := NULL;
	ELSIF TG_OP = 'INSERT' OR OLD.status <> 'genomford' THEN
		NEW.done_at := NEW.updated_at;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER actions_done BEFORE INSERT OR UPDATE OF status ON actions
FOR EACH ROW EXECUTE FUNCTION actions_done_at();

CREATE INDEX ideas_created ON ideas (created_at);
CREATE INDEX ideas_answered ON ideas (locality_id, answered_at);
CREATE INDEX signups_created ON signups (locality_id, created_at);
CREATE INDEX actions_done ON actions (locality_id, done_at);

CREATE TABLE effect_marks (
	locality_id BIGINT PRIMARY KEY,
	version     BIGINT NOT NULL
);

CREATE FUNCTION effect_mark(loc BIGINT) RETURNS void LANGUAGE sql AS $$
	INSERT INTO effect_marks (locality_id, version) VALUES (loc, 1)
	ON CONFLICT (locality_id) DO UPDATE SET version = effect_marks.version + 1;
$$;

-- effect_mark_row marks the locality of the changed row (old and new).
CREATE FUNCTION effect_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		PERFORM effect_mark(NEW.locality_id);
	END IF;
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.locality_id <> NEW.locality_id) THEN
		PERFORM effect_mark(OLD.locality_id);
	END IF;
	RETURN NULL;
END $$;

-- effect_mark_registration marks the locality of the registration's meeting.
CREATE FUNCTION effect_mark_registration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		PERFORM effect_mark(locality_id) FROM meetings WHERE id = NEW.meeting_id;
	END IF;
	IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.meeting_id <> NEW.meeting_id) THEN
		PERFORM effect_mark(locality_id) FROM meetings WHERE id = OLD.meeting_id;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER signups_mark AFTER INSERT OR DELETE OR UPDATE OF status, group_id, age_group, locality_id, created_at ON signups
FOR EACH ROW EXECUTE FUNCTION effect_mark_row();
CREATE TRIGGER ideas_mark AFTER INSERT OR DELETE OR UPDATE OF status, answered_at, hidden_at, locality_id, created_at ON ideas
FOR EACH ROW EXECUTE FUNCTION effect_mark_row();
CREATE TRIGGER meetings_mark AFTER INSERT OR DELETE OR UPDATE OF state, participants, starts_at, locality_id ON meetings
FOR EACH ROW EXECUTE FUNCTION effect_mark_row();
CREATE TRIGGER actions_mark AFTER INSERT OR DELETE OR UPDATE OF status, progress, weight, parent_id, locality_id, created_at ON actions
FOR EACH ROW EXECUTE FUNCTION effect_mark_row();
CREATE TRIGGER registrations_mark AFTER INSERT OR DELETE OR UPDATE OF cancelled_at, waitlisted, people, meeting_id ON registrations
FOR EACH ROW EXECUTE FUNCTION effect_mark_registration();

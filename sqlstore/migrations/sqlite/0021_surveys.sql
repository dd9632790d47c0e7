-- Surveys (enkäter): the questions as JSON with the survey, one row per
-- answer set (a browser's cookie hash, a resident or a paper form) and one
-- per answered option, scale step or free text. responses and
-- paper_responses are kept by the transaction that adds an answer set.
CREATE TABLE surveys (
	id                 INTEGER PRIMARY KEY,
	locality_id        INTEGER REFERENCES localities (id),
	title              TEXT NOT NULL,
	intro              TEXT NOT NULL DEFAULT '',
	opens              DATE NOT NULL,
	closes             DATE NOT NULL,
	one_per_resident   BOOLEAN NOT NULL DEFAULT 0,
	results_while_open BOOLEAN NOT NULL DEFAULT 0,
	template           TEXT NOT NULL DEFAULT '',
	questions          TEXT NOT NULL,
	responses          INTEGER NOT NULL DEFAULT 0,
	paper_responses    INTEGER NOT NULL DEFAULT 0,
	created_by         INTEGER REFERENCES users (id),
	created_at         TIMESTAMP NOT NULL,
	updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX surveys_locality ON surveys (locality_id, opens);
CREATE INDEX surveys_opens ON surveys (opens);
CREATE INDEX surveys_closes ON surveys (closes);
CREATE INDEX surveys_template ON surveys (template, locality_id);

CREATE TABLE survey_responses (
	id           INTEGER PRIMARY KEY,
	survey_id    INTEGER NOT NULL REFERENCES surveys (id),
	browser_hash TEXT,
	resident_id  INTEGER REFERENCES residents (id),
	paper        BOOLEAN NOT NULL DEFAULT 0,
	entered_by   INTEGER REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL,
	UNIQUE (survey_id, browser_hash),
	UNIQUE (survey_id, resident_id)
);
CREATE INDEX survey_responses_resident ON survey_responses (resident_id);

CREATE TABLE survey_answers (
	id          INTEGER PRIMARY KEY,
	response_id INTEGER NOT NULL REFERENCES survey_responses (id),
	survey_id   INTEGER NOT NULL REFERENCES surveys (id),
	question    INTEGER NOT NULL,
	choice      INTEGER,
	value       INTEGER,
	body        TEXT,
	review      TEXT NOT NULL DEFAULT '',
	paper       BOOLEAN NOT NULL DEFAULT 0,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX survey_answers_question ON survey_answers (survey_id, question, choice);
CREATE INDEX survey_answers_response ON survey_answers (response_id);

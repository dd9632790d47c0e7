package sqlstore

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ortsplan/ortsplan"
)

// dbFault is a class of error the database engines report, told apart by
// the drivers' error types and codes, never by message text.
type dbFault int

const (
	faultOther      dbFault = iota
	faultUnique             // a unique or primary key constraint
	faultForeignKey         // a reference to a row that does not exist
	faultText               // text the engine cannot store: invalid UTF-8, a NUL byte
	faultRetry              // a deadlock or serialisation failure: try again
	faultValue              // a value the column cannot hold: a number out of range
)

// classify tells what kind of database error err is.
func classify(err error) dbFault {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return faultUnique
		case "23503":
			return faultForeignKey
		case "22021", "22P05": // character_not_in_repertoire, untranslatable_character
			return faultText
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return faultRetry
		case "22003", "22P02", "22008": // numeric_value_out_of_range, invalid_text_representation, datetime_field_overflow
			return faultValue
		}
		return faultOther
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return faultUnique
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return faultForeignKey
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return faultRetry
		}
	}
	return faultOther
}

// isUniqueViolation reports whether err is a unique-constraint violation on either engine.
func isUniqueViolation(err error) bool { return err != nil && classify(err) == faultUnique }

// dbErr wraps a database error with where it happened, and turns the faults a
// person can do something about into domain errors: text the database cannot
// store is invalid input, a lost race is a conflict to try again. Everything
// else stays an internal error, logged and answered as a server error.
func dbErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *ortsplan.Error
	if errors.As(err, &de) {
		return err
	}
	switch classify(err) {
	case faultText:
		return &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.text_invalid", Err: fmt.Errorf("sqlstore: %s: %w", op, err)}
	case faultRetry:
		return &ortsplan.Error{Code: ortsplan.ECONFLICT, Key: "error.try_again", Err: fmt.Errorf("sqlstore: %s: %w", op, err)}
	case faultValue:
		return &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.number_invalid", Err: fmt.Errorf("sqlstore: %s: %w", op, err)}
	case faultForeignKey:
		// An id that points at nothing: the services check the ids they are
		// given, so this is the last line, still a 400 and not a 500.
		return &ortsplan.Error{Code: ortsplan.EINVALID, Key: "error.choose_from_list", Err: fmt.Errorf("sqlstore: %s: %w", op, err)}
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

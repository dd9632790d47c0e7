// Package ortsplan holds the domain of the Ortsplan service: localities, their
// process, the people who work on them, and the error codes shared by every layer.
package ortsplan

import (
	"errors"
	"fmt"
	"time"
)

// Error codes shared by every layer. The HTTP layer maps them to status codes.
const (
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	ERATELIMIT    = "rate_limited"
)

// Error is a domain error. Key is a translation key for the message shown to a
// person; Field names the form field the error belongs to, if any.
type Error struct {
	Code  string
	Key   string
	Field string
	Err   error
}

// Error implements the error interface.
func (e *Error) Error() string {
	msg := fmt.Sprintf("ortsplan: %s", e.Code)
	if e.Key != "" {
		msg += " (" + e.Key + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and translation key.
func Errorf(code, key string) *Error { return &Error{Code: code, Key: key} }

// FieldError returns an EINVALID error tied to a form field.
func FieldError(field, key string) *Error {
	return &Error{Code: EINVALID, Key: key, Field: field}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorKey returns the translation key of the first *Error in err's chain.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Key != "" {
		return e.Key
	}
	return "error.internal"
}

// WaitError is the cause inside an ERATELIMIT error that knows how long to
// wait before trying again.
type WaitError struct{ Wait time.Duration }

// Error implements error.
func (e *WaitError) Error() string { return "wait " + e.Wait.String() }

// WaitOf returns how long err says to wait, 0 when it does not say.
func WaitOf(err error) time.Duration {
	var w *WaitError
	if errors.As(err, &w) {
		return w.Wait
	}
	return 0
}

// ValidationErrors collects field errors for one form, keyed by field name.
type ValidationErrors map[string]string

// Add records a translation key for a field; the first error per field wins.
func (v ValidationErrors) Add(field, key string) {
	if _, ok := v[field]; !ok {
		v[field] = key
	}
}

// Err returns nil when there are no errors, else an EINVALID error carrying them.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Key: "error.form", Err: v}
}

// Error implements error so the map can travel inside an *Error.
func (v ValidationErrors) Error() string { return fmt.Sprintf("%d invalid fields", len(v)) }

// FieldErrors returns the field errors carried by err, or nil.
func FieldErrors(err error) ValidationErrors {
	var v ValidationErrors
	if errors.As(err, &v) {
		return v
	}
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		return ValidationErrors{e.Field: e.Key}
	}
	return nil
}

package validate

import (
	"errors"
	"fmt"
)

// ErrInvalidConfig is matched (with errors.Is) by every error Validate
// returns.
var ErrInvalidConfig = errors.New("invalid configuration")

// ConfigError reports one rejected configuration value. Its message names
// the field as a JSON path of the state.json config (for example
// `mounts[2].destination`), the offending value and the reason.
type ConfigError struct {
	// Field is the JSON path of the rejected field.
	Field string
	// Value is the rejected value as text; empty when there is no single
	// value to show.
	Value string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying cause, if any (for example
	// cgroups.ErrV1NoUnified or a stat error).
	Err error
}

// Error returns `invalid config: <field> "<value>": <reason>`, leaving out
// the value when it is empty.
func (e *ConfigError) Error() string {
	msg := "invalid config: " + e.Field
	if e.Value != "" {
		msg += fmt.Sprintf(" %q", e.Value)
	}
	msg += ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes every ConfigError match ErrInvalidConfig.
func (e *ConfigError) Is(target error) bool {
	return target == ErrInvalidConfig
}

// Unwrap returns the underlying cause, so errors.Is also matches it.
func (e *ConfigError) Unwrap() error {
	return e.Err
}

// invalid builds a ConfigError; reason is a format string.
func invalid(field, value, reason string, args ...any) error {
	return &ConfigError{Field: field, Value: value, Reason: fmt.Sprintf(reason, args...)}
}

// invalidCause builds a ConfigError that wraps cause.
func invalidCause(field, value string, cause error, reason string, args ...any) error {
	return &ConfigError{Field: field, Value: value, Reason: fmt.Sprintf(reason, args...), Err: cause}
}

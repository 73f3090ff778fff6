package cgroups

import (
	"errors"
	"fmt"
)

// NotFoundError reports that no mountpoint exists for a cgroup v1 subsystem.
type NotFoundError struct {
	Subsystem string
}

// Error implements error: "mountpoint for <subsystem> not found".
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("mountpoint for %s not found", e.Subsystem)
}

// NewNotFoundError returns a *NotFoundError for the subsystem sub.
func NewNotFoundError(sub string) error {
	return &NotFoundError{Subsystem: sub}
}

// IsNotFound reports whether err is, or wraps, a *NotFoundError.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

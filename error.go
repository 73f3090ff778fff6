package libcontainer

import "errors"

// Sentinel errors for the states a caller branches on. Compare with errors.Is:
// the library wraps them with context.
var (
	// ErrExist is returned by Create when a container with the id exists.
	ErrExist = errors.New("container with given ID already exists")
	// ErrInvalidID is returned when an id breaks the naming rules.
	ErrInvalidID = errors.New("invalid container ID format")
	// ErrNotExist is returned by Load when no container has the id.
	ErrNotExist = errors.New("container does not exist")
	// ErrPaused is returned when an operation needs a container that is not paused.
	ErrPaused = errors.New("container paused")
	// ErrRunning is returned when an operation needs a stopped container.
	ErrRunning = errors.New("container still running")
	// ErrNotRunning is returned when an operation needs a running container.
	ErrNotRunning = errors.New("container not running")
	// ErrNotPaused is returned by Resume on a container that is not paused.
	ErrNotPaused = errors.New("container not paused")

	// ErrInit wraps an error reported by the container's init or by a
	// process joining the container; its message is the child's.
	ErrInit = errors.New("container init failed")
	// ErrNotImplemented is returned by operations this library does not
	// provide yet; the error names the operation.
	ErrNotImplemented = errors.New("not implemented")
	// ErrHasInit is returned by Start/Run of an init process on a container
	// whose init was already started.
	ErrHasInit = errors.New("container already has init process")
)

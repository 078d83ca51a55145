package ui

import "github.com/wxpos/wxpos/ui/view"

// The values the screens show live in package view, shared with the facade
// that builds them (package counter); these names keep the screens' code
// as it reads.
type (
	State         = view.State
	Reason        = view.Reason
	Sale          = view.Sale
	Update        = view.Update
	Record        = view.Record
	HistoryQuery  = view.HistoryQuery
	HistoryPage   = view.HistoryPage
	Status        = view.Status
	Scenario      = view.Scenario
	Outcome       = view.Outcome
	Lang          = view.Lang
	KeyFinding    = view.KeyFinding
	SaleRow       = view.SaleRow
	AuditEvent    = view.AuditEvent
	DayBook       = view.DayBook
	ReplicaStatus = view.ReplicaStatus
	// CatalogStatus is view.CatalogStatus.
	CatalogStatus = view.CatalogStatus
	BackupStatus  = view.BackupStatus
)

// States the screens render.
const (
	StateNew             = view.StateNew
	StateSubmitting      = view.StateSubmitting
	StateWaitingPassword = view.StateWaitingPassword
	StateUnknown         = view.StateUnknown
	StateReversing       = view.StateReversing
	StateReversed        = view.StateReversed
	StatePaid            = view.StatePaid
	StateFailed          = view.StateFailed
	StateCreating        = view.StateCreating
	StateShowingQR       = view.StateShowingQR
	StateClosing         = view.StateClosing
	StateClosed          = view.StateClosed
	StateConflict        = view.StateConflict
)

// Reasons the screens explain specifically.
const (
	ReasonNotEnough       = view.ReasonNotEnough
	ReasonCodeExpired     = view.ReasonCodeExpired
	ReasonCodeError       = view.ReasonCodeError
	ReasonCodeInvalid     = view.ReasonCodeInvalid
	ReasonCardNotUsable   = view.ReasonCardNotUsable
	ReasonPasswordTimeout = view.ReasonPasswordTimeout
	ReasonDeclined        = view.ReasonDeclined
	ReasonExpired         = view.ReasonExpired
	ReasonConflict        = view.ReasonConflict
	ReasonNotRecorded     = view.ReasonNotRecorded
)

// Languages the catalogue carries. Chinese is the default.
const (
	LangZH = view.LangZH
	LangEN = view.LangEN
)

// Errors the facade returns that the screens tell apart.
var (
	ErrNotLive         = view.ErrNotLive
	ErrNoDrawer        = view.ErrNoDrawer
	ErrSettingsInvalid = view.ErrSettingsInvalid
)

// final reports whether s ends a payment on the cashier's screen (view.Final).
func final(s State) bool { return view.Final(s) }

package staff

import "time"

// Filter selects audit events. Zero fields match everything.
type Filter struct {
	From, To time.Time // From ≤ Time < To
	Kinds    []string  // exact kinds, or a prefix ending in "." such as "user."
	Who      string    // matches Actor, or a name in Data (an override's requester or approver)
	Text     string    // case-insensitive substring of Ref, Reason, From/To state or Data
	Limit    int       // newest Limit events; 0 means all
}

package tz

import "time"

// How times are shown to people and to scripts: always in the store's zone
// (Shanghai), whatever zone the machine or the value is in, so a lockout,
// a receipt, a report and a --json field printed on a server set to UTC
// read the same as at the till. Every command and report formats its times
// with these.

// Clock is t's time of day in the store's zone: "15:04:05".
func Clock(t time.Time) string { return t.In(Shanghai).Format(time.TimeOnly) }

// Stamp is t's date and time in the store's zone: "2006-01-02 15:04:05".
func Stamp(t time.Time) string { return t.In(Shanghai).Format(time.DateTime) }

// Date is t's calendar day in the store's zone: "2006-01-02".
func Date(t time.Time) string { return t.In(Shanghai).Format(time.DateOnly) }

// RFC3339 is t for programs (--json, CSV): RFC 3339 in the store's zone
// ("2006-01-02T15:04:05+08:00"), "" for the zero time.
func RFC3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Shanghai).Format(time.RFC3339)
}

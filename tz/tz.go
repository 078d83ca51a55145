// Package tz holds the one time zone wxpos works in: Asia/Shanghai, the zone
// of WeChat Pay's wall-clock times, of bill days and of the store's business
// days. Every package takes it from here.
package tz

import (
	"fmt"
	"time"
	_ "time/tzdata" // so it loads on a machine without a zoneinfo database
)

// Shanghai is Asia/Shanghai.
var Shanghai = load()

func load() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// Unreachable with time/tzdata linked; China has had no DST since 1991.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// ParseDay reads a calendar day written yyyymmdd or yyyy-mm-dd — the two
// forms every wxpos command accepts — and returns it as yyyymmdd, the form
// bills, indexes and reports key days by.
func ParseDay(s string) (string, error) {
	for _, layout := range []string{"20060102", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, Shanghai); err == nil {
			return t.Format("20060102"), nil
		}
	}
	return "", fmt.Errorf("day %q: want yyyy-mm-dd or yyyymmdd", s)
}

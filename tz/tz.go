// Package tz holds the one time zone wxpos works in: Asia/Shanghai, the zone
// of WeChat Pay's wall-clock times, of bill days and of the store's business
// days. Every package takes it from here.
package tz

import (
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

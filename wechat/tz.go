package wechat

import (
	"time"
	_ "time/tzdata" // WeChat times are Asia/Shanghai; a bare box may lack a zoneinfo database.
)

// Shanghai is Asia/Shanghai, the zone of every WeChat Pay wall-clock time.
var Shanghai = loadShanghai()

func loadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// Unreachable with time/tzdata linked; China has had no DST since 1991.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

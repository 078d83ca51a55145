// Package notifyurl checks a notify_url the way WeChat Pay needs it. It is
// a leaf: config validates [notify] url with it and the sandbox decides
// what it can deliver to, without either knowing the other.
package notifyurl

import (
	"net"
	"net/url"
	"strings"
)

// Problem says what makes u unusable as a notify_url, or "" when
// it is usable: WeChat Pay posts notifications only to an absolute https
// URL without a query string, at most 255 characters, and it can reach
// only a public address — not loopback, private, link-local or a local
// name.
func Problem(u string) string {
	pu, err := url.Parse(u)
	switch {
	case err != nil || pu.Host == "":
		return "must be an absolute https URL"
	case pu.Scheme != "https":
		return "must be https (WeChat Pay refuses http)"
	case pu.RawQuery != "" || strings.Contains(u, "?") || pu.Fragment != "":
		return "must have no query string (WeChat Pay refuses one)"
	case len(u) > 255:
		return "must be at most 255 characters"
	case pu.User != nil:
		return "must not carry a user or password"
	}
	host := pu.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".internal") {
		return "must be reachable from WeChat Pay, not a local name"
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()) {
		return "must be reachable from WeChat Pay, not a loopback or internal address"
	}
	return ""
}

// Package layers holds no code: its test checks the import rules of
// docs/DESIGN.md §2 against the real dependency graph (`go list -deps`), so a
// change that lets the domain reach the window, or the WeChat client reach
// the domain, fails the suite instead of a review.
package layers

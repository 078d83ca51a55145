// Package postest has test doubles for the payment core: a fake clock that
// never sleeps, and an in-memory WeChat Pay (Gateway) with the sandbox's
// payment-code scenarios, a ledger, and injectable faults (request dropped
// before or after WeChat acted, network down). Tests of pos and of its
// users (ui) drive the real flows with them.
package postest

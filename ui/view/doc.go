// Package view holds the values the cashier window shows and hands back —
// a payment step, a sale row, an audit line, the replication status — with
// no Fyne and no back end in it. The window (package ui) renders them and
// declares the interfaces it drives; the facade (package counter) builds
// them from the domain. Both import this package and neither imports the
// other, so the screens can be tested against a fake or the real facade.
//
// Package ui re-exports every name here (ui.State is view.State), so the
// screens read as before; new screen code may use either name.
package view

// Package catalogstore keeps the catalogue (catalog.Item, catalog.Category)
// in the terminal's bbolt database and is its catalog.Lookup.
//
// Buckets (storage schema 5): items (id → record), item_barcodes
// (barcode in lookup form → id), item_plus (scale code → id), categories
// (name → record) and item_search (id → the lower-case names, pinyin
// initials and barcodes a search matches, so a search reads some 60 bytes
// an item instead of decoding it). Records are JSON with a "v" field.
//
// Every Apply is one commit that changes nothing or moves the catalogue
// version (the "catalog" sequence) forward by one; each item and category
// it changed carries that version, so a chain sync can ask for what changed
// since the version it has. Items are never deleted: an item taken off
// sale is made inactive, and sales keep their lines' names and prices as
// sold anyway.
//
// Apply checks a change against the stored catalogue — a barcode or scale
// code that names another item, a category that does not exist — and
// reports every problem with the index of the entry, so an import can name
// the line. A dry run is the same Apply rolled back.
package catalogstore

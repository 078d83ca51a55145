-- Tamper evidence: each event carries the chain hash its terminal computed,
-- SHA-256 of the previous event's chain hash and this event's content hash
-- (replica/chain.go: EventContent, contentSQL). NULL for events pushed by a
-- wxpos before this version; hq verify recomputes the chain across them
-- and checks every stored one. A terminal may insert it (its INSERT on
-- events covers every column); nobody but the admin can change it.
ALTER TABLE events ADD COLUMN chain bytea;

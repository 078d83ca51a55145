-- The chain's catalogue, owned by head office (wxpos hq catalog import):
-- every item and category with the catalogue version it last changed at.
-- Imports take an advisory lock and draw their version from the sequence
-- inside it, so versions commit in order and a terminal that asks for
-- "everything after v" (wxpos catalog pull) never misses a change.
CREATE SEQUENCE catalog_version;

CREATE TABLE catalog_categories (
    name     text   PRIMARY KEY,
    category jsonb  NOT NULL,
    version  bigint NOT NULL
);
CREATE INDEX catalog_categories_version ON catalog_categories (version);

CREATE TABLE catalog_items (
    id      text   PRIMARY KEY,
    item    jsonb  NOT NULL,
    version bigint NOT NULL
);
CREATE INDEX catalog_items_version ON catalog_items (version);

// Package catalogfile reads and writes the catalogue as a spreadsheet a
// store keeps: CSV (as internal/csvout writes it: UTF-8 with a byte order
// mark; a GBK/GB18030 file saved by Excel on Chinese Windows is read too)
// or xlsx (internal/xlsx).
//
// A file holds up to two tables, each known by its header row, whose
// cells are English keys or their Chinese names (csvout.Column): items
// (id/编号, name/名称, name_en/英文名称, price/价格, barcodes/条码, plu/秤码,
// category/分类, unit/单位, active/在售, open_price/议价) and categories
// (category/分类, colour/颜色, order/顺序). In a CSV file the tables are
// separated by a blank line; in an xlsx file each is a sheet of its own
// (named 商品 and 分类 when written). Only id, name and price are required.
//
// Reading never guesses: a price is yuan with at most two decimals
// (catalog.ParsePrice: "12.5" yes, "12.555" no), barcodes are separated by
// spaces and must carry a right check digit, a boolean is 1/0, true/false,
// yes/no or 是/否. Every error names the file or sheet, the line and the
// column (letter and header), and all of them are reported at once.
package catalogfile

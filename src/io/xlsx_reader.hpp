#pragma once
// Reading the first worksheet of an XLSX workbook (Office Open XML, ECMA-376) held in memory: an
// office's or an institution's table saved from a spreadsheet. The archive is read by libzip and
// its parts by expat; nothing is written to disk.
//
// Cells become the texts a CSV of the same sheet would hold:
// - shared, inline and formula strings as written; booleans 1/0;
// - numbers as the shortest decimal of at most 15 significant digits (what the spreadsheet
//   shows: a price typed 12.35 and stored as 12.349999999999999 reads "12.35"), without
//   exponent, computed on the digits (no floating point);
// - a number whose cell is formatted as a date (built-in formats 14-22 and 45-47, or a custom
//   format with day, month or year) as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ when it has a time;
//   the 1904 date system honoured;
// - an empty or missing cell as "".
// The first non-empty row is the header; rows keep their spreadsheet numbers as lines, so an
// error names the row a visitor sees. Thread-safe: no shared state.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_reader.hpp"

namespace procura {

// Reads the workbook's first worksheet: `header` sees the first non-empty row's texts (trailing
// empty cells dropped), then `row` every later non-empty row (its `fields` by column, as many as
// the header's). Returns the number of data rows. Throws InputError naming `name` (and the row)
// when the bytes are not an XLSX workbook, a part is missing or malformed, or a row has a value
// beyond the header's columns.
long read_xlsx_text(const std::string& name, std::string_view bytes,
                    const std::function<void(const std::vector<std::string>&)>& header,
                    const std::function<void(const CsvRow&)>& row);

// Internal, exposed for tests: a number cell's text (as stored: "12.349999999999999",
// "1.5E-3") as the shortest decimal of at most 15 significant digits ("12.35", "0.0015").
// Returns "" for a text that is not a number.
std::string xlsx_number_text(std::string_view stored);

// Internal, exposed for tests: a date serial ("43831", "43831.5") as YYYY-MM-DD or
// YYYY-MM-DDTHH:MM:SSZ, in the 1900 (or 1904) date system; "" when not a serial.
std::string xlsx_date_text(std::string_view serial, bool date1904);

}  // namespace procura

#pragma once
// Streaming CSV reading (RFC 4180 via libcsv) with a header row. Every error names the file,
// the line and the column, and says what was expected.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.hpp"

namespace procura {

struct CsvColumn {
  const char* name;
  bool required;
};

// One data row; accessors throw InputError naming file, line and column.
class CsvRow {
 public:
  CsvRow(const std::string& file, const std::vector<int>& slots) : file_(file), slots_(slots) {}
  long line() const { return line_; }
  const std::string& file() const { return file_; }
  // The column's text ("" when the column is absent or empty).
  std::string_view text(int column) const;
  // Non-empty text, or an error.
  std::string required(int column) const;
  Price price(int column, int max_decimals) const;  // required
  Price price_or(int column, int max_decimals, Price fallback) const;
  Units units(int column) const;               // required
  long integer(int column) const;              // required
  bool flag(int column, bool fallback) const;  // 1/0, true/false, yes/no
  std::int64_t milli(int column) const;        // decimal with <=3 decimals; 0 if empty
  [[noreturn]] void fail(int column, const std::string& expected) const;

  // Internal: filled by the reader.
  std::vector<std::string> fields;
  std::vector<const char*> names;
  long line_ = 0;

 private:
  const std::string& file_;
  const std::vector<int>& slots_;  // column index -> field index or -1
};

// Reads `path`, checks its header against `columns` (all required ones present, no unknown or
// duplicate ones) and calls `row` for every data row. Returns the number of rows.
// `on_chunk` (optional) sees every chunk of raw bytes as it is read (for hashing, progress).
long read_csv(const std::string& path, const std::vector<CsvColumn>& columns,
              const std::function<void(const CsvRow&)>& row,
              const std::function<void(std::string_view)>& on_chunk = {});

// Reads a CSV file whose header may name any columns (each named once): `header` sees the
// names, then `row` every data row (fields by position in `fields`).
long read_csv_any(const std::string& path,
                  const std::function<void(const std::vector<std::string>&)>& header,
                  const std::function<void(const CsvRow&)>& row);

// read_csv_any over CSV text held in memory (an upload); errors name the file `name`.
long read_csv_text(const std::string& name, std::string_view text,
                   const std::function<void(const std::vector<std::string>&)>& header,
                   const std::function<void(const CsvRow&)>& row);

// Escapes one CSV field (quotes when needed).
std::string csv_escape(std::string_view field);
// A field for a spreadsheet: escaped, and a text a spreadsheet would run as a formula (starting
// with =, +, -, @, a tab or a carriage return, and not a number) starts with an apostrophe.
std::string csv_cell(std::string_view field);

}  // namespace procura

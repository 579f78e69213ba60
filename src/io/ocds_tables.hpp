#pragma once
// Flat tables of OCDS releases on disk: CSV files (one per table) or an XLSX workbook (one sheet
// per table), and back. Rows are spilled to a temporary folder while the input streams, so memory
// holds only the tables' column lists.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "io/temp_dir.hpp"
#include "ocds/flatten.hpp"

namespace procura {

class FlatTables {
 public:
  explicit FlatTables(const std::string& temp_parent = "");
  ~FlatTables();
  void add(ocds::FlatRow&& row);
  // Writes dir/<table>.csv for every table (dir is created). Returns the files written. With
  // `for_spreadsheet`, a text a spreadsheet would run as a formula starts with an apostrophe
  // (csv_cell), for downloads opened in spreadsheets; without, the text is kept as it is.
  std::vector<std::string> write_csv(const std::string& dir, bool for_spreadsheet = false);
  // Writes one workbook; sheet names are cut to Excel's 31 characters. Throws RuleError when a
  // table has more rows than a sheet holds (1,048,575 below the header).
  void write_xlsx(const std::string& path);
  std::size_t tables() const { return tables_.size(); }

 private:
  struct Table;
  Table& table(const std::string& name);
  // Calls `cell(row, column, text, number)` for every stored cell of `t`, row by row (row 1 is
  // the first data row).
  template <class F>
  void replay(Table& t, F cell);
  TempDir tmp_;
  std::vector<std::unique_ptr<Table>> tables_;
};

// Reads the CSV tables of a folder written by write_csv (main.csv first, then every other .csv
// by depth) into releases, typed by `release_schema`.
std::vector<ocds::Json> read_csv_tables(const std::string& dir, const ocds::Json& release_schema);

}  // namespace procura

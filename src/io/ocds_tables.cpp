#include "io/ocds_tables.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "core/error.hpp"
#include "io/csv_reader.hpp"

namespace procura {

namespace fs = std::filesystem;

namespace {

constexpr long kXlsxRows = 1'048'576;
constexpr std::size_t kXlsxCell = 32'767;

void put_u32(std::ofstream& f, std::uint32_t v) {
  f.write(reinterpret_cast<const char*>(&v), 4);
}

bool get_u32(std::ifstream& f, std::uint32_t& v) {
  return static_cast<bool>(f.read(reinterpret_cast<char*>(&v), 4));
}

}  // namespace

// Rows are stored as: cell count, then per cell: column, number flag, length, text.
struct FlatTables::Table {
  std::string name;
  std::vector<std::string> columns;
  std::unordered_map<std::string, std::uint32_t> index;
  fs::path file;
  std::ofstream spill;
  long rows = 0;
};

FlatTables::FlatTables(const std::string& temp_parent) : tmp_(temp_parent, "procura-flatten") {
  table("main");  // written even when there are no releases
}
FlatTables::~FlatTables() = default;

FlatTables::Table& FlatTables::table(const std::string& name) {
  for (auto& t : tables_)
    if (t->name == name) return *t;
  auto t = std::make_unique<Table>();
  t->name = name;
  t->file = tmp_.path() / std::to_string(tables_.size());
  t->spill.open(t->file, std::ios::binary);
  if (!t->spill) throw std::runtime_error("cannot write " + t->file.string());
  tables_.push_back(std::move(t));
  return *tables_.back();
}

void FlatTables::add(ocds::FlatRow&& row) {
  Table& t = table(row.table);
  put_u32(t.spill, static_cast<std::uint32_t>(row.cells.size()));
  for (auto& c : row.cells) {
    auto [it, fresh] = t.index.emplace(c.column, static_cast<std::uint32_t>(t.columns.size()));
    if (fresh) t.columns.push_back(c.column);
    put_u32(t.spill, it->second);
    t.spill.put(c.number ? 1 : 0);
    put_u32(t.spill, static_cast<std::uint32_t>(c.text.size()));
    t.spill.write(c.text.data(), static_cast<std::streamsize>(c.text.size()));
  }
  ++t.rows;
}

template <class F>
void FlatTables::replay(Table& t, F cell) {
  t.spill.flush();
  std::ifstream in(t.file, std::ios::binary);
  std::string text;
  for (long r = 1; r <= t.rows; ++r) {
    std::uint32_t n = 0;
    if (!get_u32(in, n)) throw std::runtime_error("spilled rows of " + t.name + " are cut short");
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t column = 0, length = 0;
      get_u32(in, column);
      const bool number = in.get() == 1;
      get_u32(in, length);
      text.resize(length);
      in.read(text.data(), length);
      cell(r, column, text, number);
    }
  }
}

std::vector<std::string> FlatTables::write_csv(const std::string& dir, bool for_spreadsheet) {
  const auto cell = for_spreadsheet ? &csv_cell : &csv_escape;
  fs::create_directories(dir);
  std::vector<std::string> written;
  for (auto& t : tables_) {
    const std::string path = (fs::path(dir) / (t->name + ".csv")).string();
    std::ofstream out(path, std::ios::binary);
    if (!out) throw std::runtime_error("cannot write " + path);
    for (std::size_t c = 0; c < t->columns.size(); ++c)
      out << (c ? "," : "") << csv_escape(t->columns[c]);
    out << "\r\n";
    std::vector<std::string> row(t->columns.size());
    long current = 1;
    auto flush = [&] {
      for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << cell(row[c]);
      out << "\r\n";
      for (auto& v : row) v.clear();
    };
    replay(*t, [&](long r, std::uint32_t column, const std::string& text, bool) {
      while (current < r) flush(), ++current;
      row[column] = text;
    });
    if (t->rows > 0) flush();
    if (!out) throw std::runtime_error("cannot write " + path);
    written.push_back(path);
  }
  return written;
}

void FlatTables::write_xlsx(const std::string& path) {
  for (const auto& t : tables_)
    if (t->rows >= kXlsxRows)
      throw RuleError("table " + t->name + " has " + std::to_string(t->rows) +
                      " rows; an XLSX sheet holds at most 1,048,575 below its header: use --to "
                      "csv");
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;  // rows are written in order, nothing is kept
  std::string tmpdir = tmp_.path().string();
  options.tmpdir = tmpdir.data();
  std::unique_ptr<lxw_workbook, void (*)(lxw_workbook*)> book(
      workbook_new_opt(path.c_str(), &options), [](lxw_workbook* b) {
        if (b) workbook_close(b);
      });
  if (!book) throw std::runtime_error("cannot create " + path);
  std::vector<std::string> names;
  for (auto& t : tables_) {
    std::string name = t->name.substr(0, 31);
    for (int n = 2; std::find(names.begin(), names.end(), name) != names.end(); ++n) {
      const std::string suffix = "~" + std::to_string(n);
      name = t->name.substr(0, 31 - suffix.size()) + suffix;
    }
    names.push_back(name);
    lxw_worksheet* sheet = workbook_add_worksheet(book.get(), name.c_str());
    if (!sheet) throw std::runtime_error("cannot add the sheet " + name);
    for (std::size_t c = 0; c < t->columns.size(); ++c)
      worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), t->columns[c].c_str(), nullptr);
    // Cells of a row arrive in column order of their first appearance, which is not the sheet's
    // order: collect a row, then write it left to right (constant-memory mode needs order).
    std::vector<std::pair<std::string, bool>> row(t->columns.size());
    std::vector<bool> set(t->columns.size());
    long current = 1;
    auto flush = [&] {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (!set[c]) continue;
        const auto col = static_cast<lxw_col_t>(c);
        const auto r = static_cast<lxw_row_t>(current);
        if (row[c].second) {
          worksheet_write_number(sheet, r, col, std::strtod(row[c].first.c_str(), nullptr),
                                 nullptr);
        } else {
          if (row[c].first.size() > kXlsxCell) row[c].first.resize(kXlsxCell);
          worksheet_write_string(sheet, r, col, row[c].first.c_str(), nullptr);
        }
        set[c] = false;
      }
    };
    replay(*t, [&](long r, std::uint32_t column, const std::string& text, bool number) {
      while (current < r) flush(), ++current;
      row[column] = {text, number};
      set[column] = !text.empty();
    });
    if (t->rows > 0) flush();
  }
  lxw_error error = workbook_close(book.release());
  if (error != LXW_NO_ERROR)
    throw std::runtime_error("cannot write " + path + ": " + lxw_strerror(error));
}

std::vector<ocds::Json> read_csv_tables(const std::string& dir, const ocds::Json& release_schema) {
  if (!fs::is_directory(dir)) throw InputError(dir, 0, "", "expected a folder of CSV tables");
  if (!fs::exists(fs::path(dir) / "main.csv"))
    throw InputError((fs::path(dir) / "main.csv").string(), 0, "",
                     "no main table: expected main.csv with a row per release");
  struct Loaded {
    int depth = 0;  // the deepest array level of its columns; main is -1
    std::string file, name;
    std::vector<std::string> header;
    std::vector<std::pair<long, std::vector<std::string>>> rows;  // line, fields
  };
  std::vector<Loaded> tables;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".csv") continue;
    Loaded t;
    t.file = e.path().string();
    t.name = e.path().stem().string();
    read_csv_any(
        t.file, [&](const std::vector<std::string>& h) { t.header = h; },
        [&](const CsvRow& row) {
          t.rows.emplace_back(row.line(), row.fields);
          t.rows.back().second.resize(t.header.size());
        });
    for (const auto& c : t.header) {
      int n = 0;
      for (std::size_t p = c.find("/0/"); p != std::string::npos; p = c.find("/0/", p + 1)) ++n;
      t.depth = std::max(t.depth, n);
    }
    if (t.name == "main") t.depth = -1;
    tables.push_back(std::move(t));
  }
  std::sort(tables.begin(), tables.end(), [](const Loaded& a, const Loaded& b) {
    return std::tie(a.depth, a.name) < std::tie(b.depth, b.name);
  });
  ocds::Unflattener unflattener(release_schema);
  for (const auto& t : tables)
    for (const auto& [line, fields] : t.rows) try {
        unflattener.add(t.name, t.header, fields);
      } catch (const RuleError& e) {
        throw InputError(t.file, line, "", e.what());
      }
  return unflattener.releases();
}

}  // namespace procura

#include "io/csv_reader.hpp"

#include <csv.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>

#include "core/error.hpp"

namespace procura {

std::string_view CsvRow::text(int c) const {
  int slot = slots_[static_cast<std::size_t>(c)];
  if (slot < 0 || static_cast<std::size_t>(slot) >= fields.size()) return {};
  return fields[static_cast<std::size_t>(slot)];
}

void CsvRow::fail(int c, const std::string& expected) const {
  std::string got(text(c));
  throw InputError(file_, line_, names[static_cast<std::size_t>(c)],
                   "expected " + expected + ", got '" + got + "'");
}

std::string CsvRow::required(int c) const {
  auto t = text(c);
  if (t.empty()) fail(c, "a value");
  return std::string(t);
}

Price CsvRow::price(int c, int max_decimals) const {
  auto p = parse_price(text(c), max_decimals);
  if (!p || *p < 0)
    fail(c,
         "a non-negative decimal price with at most " + std::to_string(max_decimals) + " decimals");
  return *p;
}

Price CsvRow::price_or(int c, int max_decimals, Price fallback) const {
  return text(c).empty() ? fallback : price(c, max_decimals);
}

Units CsvRow::units(int c) const {
  auto u = parse_units(text(c));
  if (!u) fail(c, "a whole non-negative quantity");
  return *u;
}

long CsvRow::integer(int c) const {
  auto u = parse_units(text(c));
  if (!u) fail(c, "a whole number");
  return static_cast<long>(*u);
}

bool CsvRow::flag(int c, bool fallback) const {
  auto t = text(c);
  if (t.empty()) return fallback;
  if (t == "1" || t == "true" || t == "yes" || t == "TRUE" || t == "Y" || t == "y") return true;
  if (t == "0" || t == "false" || t == "no" || t == "FALSE" || t == "N" || t == "n") return false;
  fail(c, "1 or 0 (true/false, yes/no)");
}

std::int64_t CsvRow::milli(int c) const {
  if (text(c).empty()) return 0;
  auto p = parse_price(text(c), 3);
  if (!p || *p < 0) fail(c, "a non-negative decimal with at most 3 decimals");
  return *p / 10;
}

namespace {

struct ParseState {
  const std::string* path;
  const std::vector<CsvColumn>* columns;
  const std::function<void(const CsvRow&)>* on_row;
  const std::function<void(const std::vector<std::string>&)>* on_header = nullptr;
  std::vector<std::string> header;
  std::vector<int> slots;
  std::unique_ptr<CsvRow> row;
  long physical_line = 1;
  long row_start = 1;
  long last_row_end = 0;  // physical line where the last complete row ended
  long rows = 0;
  bool in_row = false;
  bool header_done = false;
  std::exception_ptr error;  // exceptions must not unwind through libcsv's C frames
};

void check_header(ParseState& s) {
  if (!s.columns) {  // any columns: the header names them
    if (!s.header.empty() && s.header[0].rfind("\xEF\xBB\xBF", 0) == 0)
      s.header[0] = s.header[0].substr(3);
    for (std::size_t f = 0; f < s.header.size(); ++f) {
      if (s.header[f].empty())
        throw InputError(*s.path, 1, "", "column " + std::to_string(f + 1) + " has no name");
      s.slots.push_back(static_cast<int>(f));
    }
    s.row = std::make_unique<CsvRow>(*s.path, s.slots);
    for (const auto& h : s.header) s.row->names.push_back(h.c_str());
    if (s.on_header) (*s.on_header)(s.header);
    return;
  }
  const auto& cols = *s.columns;
  s.slots.assign(cols.size(), -1);
  std::string expected;
  for (const auto& c : cols) expected += std::string(expected.empty() ? "" : ", ") + c.name;
  for (std::size_t f = 0; f < s.header.size(); ++f) {
    std::string name = s.header[f];
    if (f == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name = name.substr(3);  // UTF-8 BOM
    bool found = false;
    for (std::size_t c = 0; c < cols.size(); ++c)
      if (name == cols[c].name) {
        if (s.slots[c] >= 0) throw InputError(*s.path, 1, name, "column appears twice");
        s.slots[c] = static_cast<int>(f);
        found = true;
      }
    if (!found) throw InputError(*s.path, 1, name, "unknown column; expected columns: " + expected);
  }
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (cols[c].required && s.slots[c] < 0)
      throw InputError(*s.path, 1, cols[c].name,
                       "required column is missing; expected columns: " + expected);
  s.row = std::make_unique<CsvRow>(*s.path, s.slots);
  for (const auto& c : cols) s.row->names.push_back(c.name);
}

void on_field_impl(void* data, std::size_t len, ParseState& s) {
  if (!s.in_row) {
    s.in_row = true;
    s.row_start = s.physical_line;
    if (s.header_done) s.row->fields.clear();
  }
  std::string value(static_cast<const char*>(data), len);
  if (!s.header_done)
    s.header.push_back(std::move(value));
  else
    s.row->fields.push_back(std::move(value));
}

void on_row_end_impl(ParseState& s) {
  s.last_row_end = s.physical_line;
  if (!s.in_row) return;  // blank line
  s.in_row = false;
  if (!s.header_done) {
    s.header_done = true;
    check_header(s);
    return;
  }
  auto& row = *s.row;
  row.line_ = s.row_start;
  if (row.fields.size() == 1 && row.fields[0].empty()) return;
  if (row.fields.size() > s.header.size())
    throw InputError(*s.path, s.row_start, "",
                     "row has " + std::to_string(row.fields.size()) + " fields, the header has " +
                         std::to_string(s.header.size()));
  ++s.rows;
  (*s.on_row)(row);
}

void on_field(void* data, std::size_t len, void* ctx) {
  auto& s = *static_cast<ParseState*>(ctx);
  if (s.error) return;
  try {
    on_field_impl(data, len, s);
  } catch (...) {
    s.error = std::current_exception();
  }
}

void on_row_end(int, void* ctx) {
  auto& s = *static_cast<ParseState*>(ctx);
  if (s.error) return;
  try {
    on_row_end_impl(s);
  } catch (...) {
    s.error = std::current_exception();
  }
}

}  // namespace

namespace {
// Reads CSV from `read` (which fills a buffer and returns how much it filled, 0 at the end);
// errors name `path`.
long read_csv_impl(const std::string& path, const std::vector<CsvColumn>* columns,
                   const std::function<void(const std::vector<std::string>&)>* on_header,
                   const std::function<void(const CsvRow&)>& row,
                   const std::function<void(std::string_view)>& on_chunk,
                   const std::function<std::size_t(char*, std::size_t)>& read) {
  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
    throw std::runtime_error("libcsv init failed");
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&p, &csv_free);
  ParseState s;
  s.path = &path;
  s.columns = columns;
  s.on_header = on_header;
  s.on_row = &row;
  std::vector<char> buf(1 << 16);
  std::size_t total = 0;
  std::size_t n;
  while ((n = read(buf.data(), buf.size())) > 0) {
    // Feed line by line so that errors and rows carry their physical line number.
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') continue;
      if (csv_parse(&p, buf.data() + start, i + 1 - start, on_field, on_row_end, &s) !=
          i + 1 - start)
        throw InputError(path, s.physical_line, "",
                         std::string("malformed CSV: ") + csv_strerror(csv_error(&p)));
      if (s.error) std::rethrow_exception(s.error);
      ++s.physical_line;
      start = i + 1;
    }
    if (start < n &&
        csv_parse(&p, buf.data() + start, n - start, on_field, on_row_end, &s) != n - start)
      throw InputError(path, s.physical_line, "",
                       std::string("malformed CSV: ") + csv_strerror(csv_error(&p)));
    if (s.error) std::rethrow_exception(s.error);
    total += n;
    if (on_chunk) on_chunk(std::string_view(buf.data(), n));
  }
  if (csv_fini(&p, on_field, on_row_end, &s) != 0)
    throw InputError(path, s.last_row_end + 1, "",
                     std::string("malformed CSV: ") + csv_strerror(csv_error(&p)) +
                         " (a quoted field is never closed)");
  if (s.error) std::rethrow_exception(s.error);
  if (!s.header_done) throw InputError(path, 1, "", "the file is empty; expected a header row");
  return s.rows;
}

}  // namespace

// Reads the file at `path` a buffer at a time.
std::function<std::size_t(char*, std::size_t)> file_reader(const std::string& path,
                                                           std::shared_ptr<FILE>& keep) {
  keep.reset(std::fopen(path.c_str(), "rb"), [](FILE* f) {
    if (f) std::fclose(f);
  });
  if (!keep) throw InputError(path, 0, "", "cannot open the file");
  FILE* f = keep.get();
  return [f](char* buf, std::size_t size) { return std::fread(buf, 1, size, f); };
}

long read_csv(const std::string& path, const std::vector<CsvColumn>& columns,
              const std::function<void(const CsvRow&)>& row,
              const std::function<void(std::string_view)>& on_chunk) {
  std::shared_ptr<FILE> f;
  return read_csv_impl(path, &columns, nullptr, row, on_chunk, file_reader(path, f));
}

long read_csv_any(const std::string& path,
                  const std::function<void(const std::vector<std::string>&)>& header,
                  const std::function<void(const CsvRow&)>& row) {
  std::shared_ptr<FILE> f;
  return read_csv_impl(path, nullptr, &header, row, {}, file_reader(path, f));
}

long read_csv_text(const std::string& name, std::string_view text,
                   const std::function<void(const std::vector<std::string>&)>& header,
                   const std::function<void(const CsvRow&)>& row) {
  std::size_t at = 0;
  return read_csv_impl(name, nullptr, &header, row, {}, [&](char* buf, std::size_t size) {
    const std::size_t n = std::min(size, text.size() - at);
    std::copy_n(text.data() + at, n, buf);
    at += n;
    return n;
  });
}

std::string csv_escape(std::string_view field) {
  // Leading or trailing blanks are quoted too: CSV readers (libcsv among them) trim them.
  const bool blank_edge = !field.empty() && (field.front() == ' ' || field.front() == '\t' ||
                                             field.back() == ' ' || field.back() == '\t');
  if (!blank_edge && field.find_first_of(",\"\n\r") == std::string_view::npos)
    return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_cell(std::string_view field) {
  if (field.empty() || std::string_view("=+-@\t\r").find(field.front()) == std::string_view::npos)
    return csv_escape(field);
  if (field.front() == '-' || field.front() == '+') {  // a signed number stays a number
    const std::string_view digits = field.substr(1);
    if (!digits.empty() && digits.find_first_not_of("0123456789.") == std::string_view::npos &&
        std::isdigit(static_cast<unsigned char>(digits.front())))
      return csv_escape(field);
  }
  return csv_escape("'" + std::string(field));
}

}  // namespace procura

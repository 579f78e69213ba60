#include "io/xlsx_reader.hpp"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "core/error.hpp"
#include "core/text.hpp"

namespace procura {

namespace {

// What one upload may unpack to: a part, all parts, and what a sheet may hold. A workbook that
// compresses far beyond a real one (a decompression bomb) is refused before it is read.
constexpr zip_uint64_t kMostPartBytes = 32ull << 20;
constexpr zip_uint64_t kMostBytes = 64ull << 20;
constexpr std::size_t kMostStrings = 1'000'000;
constexpr std::size_t kMostCells = 2'000'000;
constexpr long kMostColumns = 256;

std::string_view local_name(const char* qualified) {
  std::string_view n(qualified);
  const auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// An attribute's value by local name ("r:id" answers "id" when `prefixed`), or nullptr.
const char* attribute(const char** attrs, std::string_view name, bool prefixed = false) {
  for (int i = 0; attrs[i]; i += 2) {
    std::string_view n(attrs[i]);
    const bool has_prefix = n.find(':') != std::string_view::npos;
    if (has_prefix == prefixed && local_name(attrs[i]) == name) return attrs[i + 1];
  }
  return nullptr;
}

// The archive, opened over the bytes without a copy.
class Archive {
 public:
  Archive(const std::string& name, std::string_view bytes) : name_(name) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (src) zip_ = zip_open_from_source(src, ZIP_RDONLY, &error);
    if (!zip_) {
      if (src) zip_source_free(src);
      zip_error_fini(&error);
      throw InputError(name_, 0, "", "expected an XLSX workbook (a zip archive) or a CSV file");
    }
    zip_error_fini(&error);
  }
  ~Archive() {
    if (zip_) zip_discard(zip_);
  }
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  // A part's bytes, or nullopt when the archive has none of that name.
  std::optional<std::string> part(const std::string& path) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip_, path.c_str(), 0, &st) != 0) return std::nullopt;
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > kMostPartBytes || read_ + st.size > kMostBytes)
      throw InputError(name_, 0, "", "the workbook's part " + path + " is too large");
    read_ += st.size;
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen(zip_, path.c_str(), 0),
                                                        zip_fclose);
    if (!f) throw InputError(name_, 0, "", "the workbook's part " + path + " cannot be read");
    std::string out(st.size, '\0');
    zip_int64_t got = 0;
    while (static_cast<zip_uint64_t>(got) < st.size) {
      const zip_int64_t n = zip_fread(f.get(), out.data() + got, st.size - got);
      if (n <= 0) throw InputError(name_, 0, "", "the workbook's part " + path + " is damaged");
      got += n;
    }
    return out;
  }

 private:
  std::string name_;
  zip_t* zip_ = nullptr;
  zip_uint64_t read_ = 0;  // bytes unpacked so far
};

// Streams one XML part through expat to an element handler object. A part with a document type
// declaration is refused (Office Open XML parts have none; entities could multiply its size).
template <class Handler>
struct XmlContext {
  Handler* handler;
  XML_Parser parser;
  bool doctype = false;
};

template <class Handler>
void parse_part(const std::string& name, const std::string& path, const std::string& xml,
                Handler& h) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> p(XML_ParserCreate("UTF-8"),
                                                            XML_ParserFree);
  XmlContext<Handler> ctx{&h, p.get()};
  using Ctx = XmlContext<Handler>;
  XML_SetUserData(p.get(), &ctx);
  XML_SetElementHandler(
      p.get(),
      [](void* u, const char* n, const char** a) {
        static_cast<Ctx*>(u)->handler->start(local_name(n), a);
      },
      [](void* u, const char* n) { static_cast<Ctx*>(u)->handler->end(local_name(n)); });
  XML_SetCharacterDataHandler(p.get(), [](void* u, const char* s, int len) {
    static_cast<Ctx*>(u)->handler->text(std::string_view(s, static_cast<std::size_t>(len)));
  });
  XML_SetStartDoctypeDeclHandler(p.get(), [](void* u, const char*, const char*, const char*, int) {
    auto* c = static_cast<Ctx*>(u);
    c->doctype = true;
    XML_StopParser(c->parser, XML_FALSE);
  });
  const auto status = XML_Parse(p.get(), xml.data(), static_cast<int>(xml.size()), 1);
  if (ctx.doctype)
    throw InputError(name, 0, "", "the workbook's part " + path + " declares a document type");
  if (status == XML_STATUS_ERROR)
    throw InputError(name, 0, "",
                     "the workbook's part " + path + " is not well-formed XML (" +
                         XML_ErrorString(XML_GetErrorCode(p.get())) + " at its line " +
                         std::to_string(XML_GetCurrentLineNumber(p.get())) + ")");
}

// xl/sharedStrings.xml: each <si>'s <t> runs joined (phonetic runs <rPh> left out).
struct SharedStrings {
  std::string name;  // the workbook's, for errors
  std::vector<std::string> items;
  bool in_si = false, in_t = false;
  int in_phonetic = 0;
  void start(std::string_view n, const char**) {
    if (n == "si") {
      if (items.size() >= kMostStrings)
        throw InputError(name, 0, "", "the workbook holds too many texts");
      items.emplace_back(), in_si = true;
    }
    if (n == "rPh") ++in_phonetic;
    if (n == "t") in_t = true;
  }
  void end(std::string_view n) {
    if (n == "si") in_si = false;
    if (n == "rPh") --in_phonetic;
    if (n == "t") in_t = false;
  }
  void text(std::string_view s) {
    if (in_si && in_t && in_phonetic == 0) items.back() += s;
  }
};

bool date_format_code(std::string code) {
  std::string plain;
  bool quoted = false;
  int bracket = 0;
  for (char ch : code) {
    if (ch == '"')
      quoted = !quoted;
    else if (!quoted && ch == '[')
      ++bracket;
    else if (!quoted && ch == ']')
      bracket = std::max(0, bracket - 1);
    else if (!quoted && bracket == 0)
      plain += static_cast<char>(std::tolower(ch));
  }
  return plain.find_first_of("dmyh") != std::string::npos;
}

// xl/styles.xml: which cell formats (the index a cell's s names) are dates.
struct Styles {
  std::map<long, bool> custom_is_date;  // numFmtId -> date
  std::vector<long> cell_formats;       // cellXfs index -> numFmtId
  bool in_cell_xfs = false;
  void start(std::string_view n, const char** a) {
    if (n == "numFmt") {
      const char* id = attribute(a, "numFmtId");
      const char* code = attribute(a, "formatCode");
      if (id && code) custom_is_date[std::atol(id)] = date_format_code(code);
    }
    if (n == "cellXfs") in_cell_xfs = true;
    if (n == "xf" && in_cell_xfs) {
      const char* id = attribute(a, "numFmtId");
      cell_formats.push_back(id ? std::atol(id) : 0);
    }
  }
  void end(std::string_view n) {
    if (n == "cellXfs") in_cell_xfs = false;
  }
  void text(std::string_view) {}
  bool is_date(long style) const {
    if (style < 0 || style >= static_cast<long>(cell_formats.size())) return false;
    const long id = cell_formats[static_cast<std::size_t>(style)];
    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47)) return true;
    auto it = custom_is_date.find(id);
    return it != custom_is_date.end() && it->second;
  }
};

// xl/workbook.xml: the first sheet's relationship id and the date system.
struct Workbook {
  std::string first_sheet_rel;
  bool date1904 = false;
  void start(std::string_view n, const char** a) {
    if (n == "sheet" && first_sheet_rel.empty())
      if (const char* id = attribute(a, "id", true)) first_sheet_rel = id;
    if (n == "workbookPr")
      if (const char* d = attribute(a, "date1904"))
        date1904 = std::string_view(d) == "1" || std::string_view(d) == "true";
  }
  void end(std::string_view) {}
  void text(std::string_view) {}
};

// xl/_rels/workbook.xml.rels: a relationship's target.
struct Relationships {
  std::string wanted, target;
  void start(std::string_view n, const char** a) {
    if (n != "Relationship") return;
    const char* id = attribute(a, "Id");
    const char* t = attribute(a, "Target");
    if (id && t && wanted == id) target = t;
  }
  void end(std::string_view) {}
  void text(std::string_view) {}
};

// A cell reference's column ("AB12" -> 27), or -1.
long column_of(std::string_view ref) {
  long col = 0;
  std::size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
    col = col * 26 + (ref[i] - 'A' + 1);
    if (col > 16384) return -1;  // beyond a spreadsheet's last column, XFD
  }
  return i == 0 ? -1 : col - 1;
}

// The worksheet's rows by number, each cell's text by column.
struct Sheet {
  const SharedStrings& strings;
  const Styles& styles;
  bool date1904 = false;
  std::string name;
  std::map<long, std::map<long, std::string>> rows;
  long row = 0, col = -1, style = -1;
  std::string type, value;
  bool in_value = false, in_inline = false;
  int in_phonetic = 0;
  std::size_t cells = 0;

  void start(std::string_view n, const char** a) {
    if (n == "row") {
      const char* r = attribute(a, "r");
      row = r ? std::atol(r) : row + 1;
      col = -1;
    } else if (n == "c") {
      const char* r = attribute(a, "r");
      col = r ? column_of(r) : col + 1;
      const char* t = attribute(a, "t");
      const char* s = attribute(a, "s");
      type = t ? t : "n";
      style = s ? std::atol(s) : -1;
      value.clear();
    } else if (n == "v") {
      in_value = true;
    } else if (n == "is") {
      in_inline = true;
    } else if (n == "rPh") {
      ++in_phonetic;
    } else if (n == "t" && in_inline) {
      in_value = true;
    }
  }
  void end(std::string_view n) {
    if (n == "v" || n == "t") in_value = false;
    if (n == "is") in_inline = false;
    if (n == "rPh") --in_phonetic;
    if (n == "c") cell();
  }
  void text(std::string_view s) {
    if (in_value && in_phonetic == 0) value += s;
  }
  void cell() {
    if (col < 0) throw InputError(name, row, "", "a cell without a valid reference");
    std::string out;
    if (type == "s") {
      const long i = std::atol(value.c_str());
      if (value.empty() || i < 0 || i >= static_cast<long>(strings.items.size()))
        throw InputError(name, row, "", "a cell names a shared string the workbook does not have");
      out = strings.items[static_cast<std::size_t>(i)];
    } else if (type == "b") {
      out = value == "1" ? "1" : "0";
    } else if (type == "n") {
      out = styles.is_date(style) ? xlsx_date_text(value, date1904) : xlsx_number_text(value);
      if (out.empty() && !value.empty()) out = value;
    } else if (type == "e") {
      throw InputError(name, row, "", "the cell holds a spreadsheet error (" + value + ")");
    } else {  // inlineStr, str (a formula's text), d (an ISO date)
      out = value;
    }
    out = trimmed(out);
    if (out.empty()) return;
    if (col >= kMostColumns)
      throw InputError(name, row, "", "a value beyond column " + std::to_string(kMostColumns));
    if (++cells > kMostCells) throw InputError(name, row, "", "the sheet holds too many cells");
    rows[row][col] = std::move(out);
  }
};

std::string part_or_fail(Archive& zip, const std::string& name, const std::string& path) {
  auto p = zip.part(path);
  if (!p) throw InputError(name, 0, "", "expected an XLSX workbook: it has no " + path);
  return std::move(*p);
}

// The days of a civil date from 1970-01-01 and back (proleptic Gregorian).
void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

}  // namespace

std::string xlsx_number_text(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  std::string digits;
  long point = 0;  // digits before the decimal point
  bool seen_point = false, any = false;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch >= '0' && ch <= '9') {
      digits += ch;
      any = true;
      if (!seen_point) ++point;
    } else if (ch == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any) return "";
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return "";
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    if (i == s.size()) return "";
    long e = 0;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9' || e > 100000) return "";
      e = e * 10 + (s[i] - '0');
    }
    point += exp_negative ? -e : e;
  }
  const auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  digits.erase(0, first);
  point -= static_cast<long>(first);
  if (digits.size() > 15) {  // round half up to 15 significant digits
    const bool up = digits[15] >= '5';
    digits.resize(15);
    for (std::size_t k = 15; up && k-- > 0;) {
      if (digits[k] != '9') {
        ++digits[k];
        break;
      }
      digits[k] = '0';
      if (k == 0) {
        digits.insert(digits.begin(), '1');
        digits.pop_back();
        ++point;
      }
    }
  }
  digits.erase(digits.find_last_not_of('0') + 1);
  if (point > 400 || point < -400) return "";
  std::string out = negative ? "-" : "";
  const long n = static_cast<long>(digits.size());
  if (point <= 0)
    out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  else if (point >= n)
    out += digits + std::string(static_cast<std::size_t>(point - n), '0');
  else
    out += digits.substr(0, static_cast<std::size_t>(point)) + "." +
           digits.substr(static_cast<std::size_t>(point));
  return out;
}

std::string xlsx_date_text(std::string_view serial, bool date1904) {
  const std::string n = xlsx_number_text(serial);
  if (n.empty() || n[0] == '-') return "";
  const auto dot = n.find('.');
  const std::string whole = n.substr(0, dot),
                    frac = dot == std::string::npos ? "" : n.substr(dot + 1);
  if (whole.size() > 7) return "";
  long long days = std::stoll(whole);
  long long seconds = 0;
  if (!frac.empty()) {  // the day's fraction in whole seconds, rounded half up, from its first
    // 12 digits (a millionth of a second: more cannot change the second)
    unsigned long long num = 0, den = 1;
    for (std::size_t i = 0; i < frac.size() && i < 12; ++i)
      num = num * 10 + static_cast<unsigned>(frac[i] - '0'), den *= 10;
    seconds = static_cast<long long>((num * 86400 + den / 2) / den);
    if (seconds == 86400) ++days, seconds = 0;
  }
  // 1900 system: serial 1 is 1900-01-01 and serial 60 the 1900-02-29 that never was (kept for
  // Lotus 1-2-3); 1904 system: serial 0 is 1904-01-01.
  long long from_epoch;
  if (date1904) {
    from_epoch = days - 24107;  // 1904-01-01 is 24,107 days before 1970-01-01
  } else {
    if (days == 0 || days == 60) return "";
    from_epoch = days - (days < 60 ? 25568 : 25569);
  }
  long long y;
  unsigned m, d;
  civil_from_days(from_epoch, y, m, d);
  if (y < 0 || y > 9999) return "";
  char buf[64];
  if (seconds == 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", y, m, d);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d,
                  seconds / 3600, seconds / 60 % 60, seconds % 60);
  }
  return buf;
}

long read_xlsx_text(const std::string& name, std::string_view bytes,
                    const std::function<void(const std::vector<std::string>&)>& header,
                    const std::function<void(const CsvRow&)>& row) {
  Archive zip(name, bytes);
  Workbook book;
  parse_part(name, "xl/workbook.xml", part_or_fail(zip, name, "xl/workbook.xml"), book);
  std::string sheet_path = "xl/worksheets/sheet1.xml";
  if (auto rels = zip.part("xl/_rels/workbook.xml.rels"); rels && !book.first_sheet_rel.empty()) {
    Relationships r{book.first_sheet_rel, ""};
    parse_part(name, "xl/_rels/workbook.xml.rels", *rels, r);
    if (!r.target.empty()) sheet_path = r.target[0] == '/' ? r.target.substr(1) : "xl/" + r.target;
  }
  SharedStrings strings;
  strings.name = name;
  if (auto p = zip.part("xl/sharedStrings.xml"))
    parse_part(name, "xl/sharedStrings.xml", *p, strings);
  Styles styles;
  if (auto p = zip.part("xl/styles.xml")) parse_part(name, "xl/styles.xml", *p, styles);
  Sheet sheet{strings, styles, book.date1904, name, {}, 0, -1, -1, "", "", false, false, 0};
  parse_part(name, sheet_path, part_or_fail(zip, name, sheet_path), sheet);

  std::vector<std::string> names;
  const std::vector<int> slots;
  long count = 0;
  for (const auto& [line, cells] : sheet.rows) {
    if (names.empty()) {
      names.resize(static_cast<std::size_t>(cells.rbegin()->first + 1));
      for (const auto& [c, text] : cells) names[static_cast<std::size_t>(c)] = text;
      header(names);
      continue;
    }
    CsvRow r(name, slots);
    r.line_ = line;
    r.fields.assign(names.size(), "");
    for (const auto& [c, text] : cells) {
      if (c >= static_cast<long>(names.size()))
        throw InputError(name, line, "",
                         "a value in column " + std::to_string(c + 1) + ", beyond the header's " +
                             std::to_string(names.size()) + " columns");
      r.fields[static_cast<std::size_t>(c)] = text;
    }
    row(r);
    ++count;
  }
  if (names.empty()) throw InputError(name, 1, "", "the first worksheet is empty");
  return count;
}

}  // namespace procura

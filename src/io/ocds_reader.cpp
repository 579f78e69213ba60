#include "io/ocds_reader.hpp"

#include "core/error.hpp"

namespace procura {

namespace {

using ocds::Json;

bool is_release(const Json& j) {
  return j.is_object() && j.contains("ocid") && !j.contains("releases") && !j.contains("records");
}

// Hands out the releases inside one JSON value (a package, record, array or release).
void unpack(Json&& value, const std::string& name, long line, bool skip_invalid, bool require_date,
            OcdsReadStats& stats, const std::function<void(Json&&, long)>& release) {
  auto bad = [&](const std::string& what) {
    if (!skip_invalid) throw InputError(name, line, "", what);
    ++stats.skipped;
  };
  if (value.is_array()) {
    for (auto& item : value)
      unpack(std::move(item), name, line, skip_invalid, require_date, stats, release);
    return;
  }
  if (!value.is_object())
    return bad("expected an OCDS release, record or package, got " +
               std::string(value.type_name()));
  if (value.contains("releases") && value["releases"].is_array() &&
      !value.contains("ocid")) {  // release package
    for (auto& r : value["releases"])
      unpack(std::move(r), name, line, skip_invalid, require_date, stats, release);
    return;
  }
  if (value.contains("records") && value["records"].is_array()) {  // record package
    for (auto& rec : value["records"])
      unpack(std::move(rec), name, line, skip_invalid, require_date, stats, release);
    return;
  }
  if (value.contains("ocid") && value.contains("releases") &&
      value["releases"].is_array()) {  // record
    for (auto& r : value["releases"]) {
      if (r.is_object() && !r.contains("ocid") && r.contains("url")) {
        ++stats.linked;
        continue;
      }
      unpack(std::move(r), name, line, skip_invalid, require_date, stats, release);
    }
    return;
  }
  if (!is_release(value))
    return bad("expected an OCDS release (an object with \"ocid\"), a record or a package");
  if (require_date && (!value.contains("date") || !value["date"].is_string()))
    return bad("release " + (value.contains("id") ? value["id"].dump() : std::string("?")) +
               " of " + value["ocid"].dump() + " has no string \"date\"");
  ++stats.items;
  release(std::move(value), line);
}

}  // namespace

OcdsReadStats read_json_items(std::istream& in, const std::string& name, bool skip_invalid,
                              const std::function<void(Json&&, long)>& item,
                              const std::function<void(std::size_t)>& on_bytes) {
  OcdsReadStats stats;
  std::string first;
  long line_no = 0;
  std::size_t bytes = 0;
  // The first non-blank line decides: a complete JSON value on one line means JSON lines.
  while (std::getline(in, first)) {
    ++line_no;
    bytes += first.size() + 1;
    if (first.find_first_not_of(" \t\r") != std::string::npos) break;
  }
  if (first.find_first_not_of(" \t\r") == std::string::npos) return stats;  // empty input
  Json value = Json::parse(first, nullptr, false);
  if (!value.is_discarded()) {  // JSON lines
    long line = line_no;
    item(std::move(value), line);
    std::string text;
    while (std::getline(in, text)) {
      ++line;
      bytes += text.size() + 1;
      if (on_bytes && (line & 1023) == 0) on_bytes(bytes);
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      Json next = Json::parse(text, nullptr, false);
      if (next.is_discarded()) {
        try {
          Json ignored = Json::parse(text);
          (void)ignored;
        } catch (const Json::parse_error& e) {
          if (!skip_invalid)
            throw InputError(name, line, "", std::string("malformed JSON: ") + e.what());
        }
        ++stats.skipped;
        continue;
      }
      item(std::move(next), line);
    }
    if (on_bytes) on_bytes(bytes);
    return stats;
  }
  // One JSON document over several lines: read it whole.
  std::string text = first + "\n" + std::string(std::istreambuf_iterator<char>(in), {});
  try {
    value = Json::parse(text);
  } catch (const Json::parse_error& e) {
    long line = 1;
    for (std::size_t i = 0; i < std::min(e.byte, text.size()); ++i) line += text[i] == '\n';
    throw InputError(name, line_no - 1 + line, "", std::string("malformed JSON: ") + e.what());
  }
  if (on_bytes) on_bytes(text.size());
  item(std::move(value), line_no);
  return stats;
}

OcdsReadStats read_ocds_releases(std::istream& in, const std::string& name, bool skip_invalid,
                                 const std::function<void(Json&&, long)>& release,
                                 const std::function<void(std::size_t)>& on_bytes,
                                 bool require_date) {
  OcdsReadStats stats;
  OcdsReadStats read = read_json_items(
      in, name, skip_invalid,
      [&](Json&& value, long line) {
        unpack(std::move(value), name, line, skip_invalid, require_date, stats, release);
      },
      on_bytes);
  stats.skipped += read.skipped;
  return stats;
}

}  // namespace procura

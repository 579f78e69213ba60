#include "io/flag_settings.hpp"

#include <ini.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/csv_reader.hpp"

namespace procura {

namespace {
int on_entry(void* user, const char* section, const char* name, const char* value) {
  auto& s = *static_cast<integrity::FlagSettings*>(user);
  std::string v = value ? value : "";
  if (auto hash = v.find(" #"); hash != std::string::npos)
    v.erase(hash);  // "threshold = 1 # default"
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  if (name)
    s.sections[section][name] = v;
  else
    s.sections[section];  // a section without keys enables its indicator
  return 1;
}
}  // namespace

integrity::FlagSettings read_flag_settings(const std::string& path) {
  integrity::FlagSettings s;
  const int rc = ini_parse(path.c_str(), on_entry, &s);
  if (rc == -1) throw InputError(path, 0, "", "cannot open the settings file");
  if (rc > 0)
    throw InputError(path, rc, "", "malformed INI line: expected [section] or key = value");
  if (rc < 0) throw std::runtime_error("cannot read " + path);
  // inih reports only key = value lines, but an empty [R024] section enables its indicator:
  // note every section header too.
  std::ifstream f(path);
  for (std::string line; std::getline(f, line);) {
    auto open = line.find_first_not_of(" \t");
    if (open == std::string::npos || line[open] != '[') continue;
    auto close = line.find(']', open);
    if (close != std::string::npos) s.sections[line.substr(open + 1, close - open - 1)];
  }
  // P002's reference price list: a CSV file, relative to the settings file.
  const std::string list = s.get("P002", "reference_prices");
  if (!list.empty()) {
    std::filesystem::path csv = list;
    if (csv.is_relative()) csv = std::filesystem::path(path).parent_path() / csv;
    read_csv(csv.string(),
             {{"scheme", true},
              {"id", true},
              {"unit", true},
              {"price", true},
              {"currency", false},
              {"sources", false}},
             [&](const CsvRow& r) {
               integrity::ReferencePrice ref;
               ref.scheme = r.required(0);
               ref.id = r.required(1);
               ref.unit = r.required(2);
               ref.price = static_cast<double>(r.price(3, 4)) / kPriceScale;
               ref.currency = r.text(4);
               ref.sources = r.text(5).empty() ? 0 : r.integer(5);
               s.reference_prices.push_back(std::move(ref));
             });
  }
  return s;
}

}  // namespace procura

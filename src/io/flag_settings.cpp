#include "io/flag_settings.hpp"

#include <ini.h>

#include <fstream>

#include "core/error.hpp"

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
  return s;
}

}  // namespace procura

#pragma once
// Errors in outside input. Every one names where (file, line, column or field) and what was
// expected, so that a procurement office can fix its spreadsheet without reading code.
#include <stdexcept>
#include <string>

namespace procura {

struct InputError : std::runtime_error {
  std::string file;
  long line = 0;  // 1-based; 0 when not line-oriented
  std::string field;
  std::string detail;  // what was expected, without the place
  InputError(std::string file_, long line_, std::string field_, const std::string& what_)
      : std::runtime_error(compose(file_, line_, field_, what_)),
        file(std::move(file_)),
        line(line_),
        field(std::move(field_)),
        detail(what_) {}

 private:
  static std::string compose(const std::string& f, long l, const std::string& fld,
                             const std::string& w) {
    std::string s = f;
    if (l > 0) s += ":" + std::to_string(l);
    if (!fld.empty()) s += (s.empty() ? "" : ": ") + std::string("field '") + fld + "'";
    return s + (s.empty() ? "" : ": ") + w;
  }
};

// A rule of the round was broken by the data as a whole (e.g. a bid for an unknown product).
struct RuleError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace procura

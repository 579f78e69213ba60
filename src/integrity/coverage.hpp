#pragma once
// Field coverage of OCDS data, as Cardinal's `coverage` counts it: for every path, the number
// of values that are non-empty ("", [], {}, null and containers of only empty values are empty).
// Paths: "" is a line, a trailing "/" an object, "[]" an array element
// ("/awards[]/suppliers[]/id").
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace procura::integrity {

class Coverage {
 public:
  void add(const nlohmann::json& value);
  // Counts in order of first appearance.
  nlohmann::ordered_json results() const;

 private:
  bool visit(const nlohmann::json& value, std::string& path);
  void increment(const std::string& path);
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::pair<std::string, long>> counts_;
};

}  // namespace procura::integrity

#pragma once
// Data files of the unit tests (tests/unit/data): tab-separated rows, '#' comments left out.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace procura::testing_data {

inline std::vector<std::vector<std::string>> rows_of(const std::string& name) {
  std::ifstream f(std::filesystem::path(PROCURA_SOURCE_DIR) / "tests/unit/data" / name);
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(f, line);) {
    if (!line.empty() && line[0] == '#') continue;
    std::vector<std::string> cells;
    std::size_t at = 0;
    for (;;) {
      auto tab = line.find('\t', at);
      cells.push_back(line.substr(at, tab == std::string::npos ? tab : tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    out.push_back(cells);
  }
  return out;
}

}  // namespace procura::testing_data

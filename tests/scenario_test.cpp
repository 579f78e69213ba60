// Scenario tests as data: every folder under tests/scenarios/ (and every example round) holds a
// round's inputs and expected.json. One generic test runs them all; a new case needs no C++.
//
// expected.json: {"metrics": {...}, "awards": [...], "groups": [...], "bids": [...],
//   "negotiations": [...], "rejections": [...], "regionPicks": [...], "contracts": [...]} compared
//   as a
// subset (every expected key must match; arrays element by element, same length), or
// {"error": "text the error message must contain"} for inputs that must be refused.
// Files missing from a scenario folder are taken from tests/scenarios/_common/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "award/engine.hpp"
#include "award/index.hpp"
#include "io/round_files.hpp"
#include "report/report.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::vector<std::string> scenario_dirs() {
  std::vector<std::string> out;
  for (const char* root : {"tests/scenarios", "examples"})
    for (const auto& e : fs::directory_iterator(fs::path(PROCURA_SOURCE_DIR) / root))
      if (e.is_directory() && e.path().filename().string()[0] != '_' &&
          fs::exists(e.path() / "expected.json"))
        out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Copies _common files, then the scenario's own, into a fresh folder.
fs::path assemble(const fs::path& scenario) {
  fs::path tmp = fs::temp_directory_path() / ("procura-scenario-" + scenario.filename().string());
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  fs::path common = fs::path(PROCURA_SOURCE_DIR) / "tests/scenarios/_common";
  if (scenario.parent_path().filename() == "scenarios")
    for (const auto& e : fs::directory_iterator(common))
      fs::copy_file(e.path(), tmp / e.path().filename());
  for (const auto& e : fs::directory_iterator(scenario))
    if (e.path().filename() != "expected.json")
      fs::copy_file(e.path(), tmp / e.path().filename(), fs::copy_options::overwrite_existing);
  return tmp;
}

void expect_subset(const json& expected, const json& actual, const std::string& path) {
  if (expected.is_object()) {
    ASSERT_TRUE(actual.is_object()) << path << ": expected an object, got " << actual.dump();
    for (const auto& [k, v] : expected.items()) {
      ASSERT_TRUE(actual.contains(k)) << path << "." << k << " is missing";
      expect_subset(v, actual[k], path + "." + k);
    }
  } else if (expected.is_array()) {
    ASSERT_TRUE(actual.is_array()) << path << ": expected an array";
    ASSERT_EQ(expected.size(), actual.size())
        << path << ": length differs; actual " << actual.dump(1);
    for (std::size_t i = 0; i < expected.size(); ++i)
      expect_subset(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
  } else {
    EXPECT_EQ(expected, actual) << path;
  }
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, MatchesExpectedResults) {
  fs::path dir = GetParam();
  std::ifstream f(dir / "expected.json");
  json expected = json::parse(f);
  fs::path inputs = assemble(dir);
  if (expected.contains("error")) {
    try {
      auto loaded = procura::load_round_folder(inputs.string());
      procura::run_round(loaded.input);
      FAIL() << "expected an error containing: " << expected["error"];
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(expected["error"].get<std::string>()), std::string::npos)
          << "actual error: " << e.what();
    }
    return;
  }
  auto loaded = procura::load_round_folder(inputs.string());
  auto result = procura::run_round(loaded.input);
  json actual = procura::result_json(loaded.input, result);
  expected.erase("source");
  expect_subset(expected, actual, "$");
  // Determinism: the same inputs give byte-identical results.
  EXPECT_EQ(actual.dump(),
            procura::result_json(loaded.input, procura::run_round(loaded.input)).dump());
}

INSTANTIATE_TEST_SUITE_P(Data, Scenario, ::testing::ValuesIn(scenario_dirs()),
                         [](const auto& info) {
                           std::string n = fs::path(info.param).filename().string();
                           for (auto& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace

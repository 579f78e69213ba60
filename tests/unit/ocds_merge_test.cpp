// Conformance of OCDS merging with the reference implementation's suite
// (tests/data/reference/ocds/merge-fixtures: 1.1, 1.0 and schema/ cases, compiled and versioned).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ocds/merge.hpp"

namespace fs = std::filesystem;
using procura::ocds::Json;
using procura::ocds::MergeRules;

namespace {

const fs::path kFixtures =
    fs::path(PROCURA_SOURCE_DIR) / "tests/data/reference/ocds/merge-fixtures";

Json read(const fs::path& p) {
  std::ifstream f(p);
  return Json::parse(f);
}

struct Case {
  std::string name;  // folder/file stem
  std::string schema;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const std::pair<const char*, const char*> folders[] = {{"1.1", "release-schema-1__1__4.json"},
                                                         {"1.0", "release-schema-1__0__3.json"},
                                                         {"schema", "schema.json"}};
  for (auto [folder, schema] : folders)
    for (const auto& e : fs::directory_iterator(kFixtures / folder)) {
      std::string stem = e.path().stem().string();
      if (stem.ends_with("-compiled") || stem.ends_with("-versioned") ||
          stem.ends_with("-append") || stem.ends_with("-by-position") ||
          stem == "identifier-merge-no-id")  // override-only case: below
        continue;
      out.push_back({std::string(folder) + "/" + stem, schema});
    }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

// Order-insensitive for object keys, order-sensitive for arrays.
nlohmann::json plain(const Json& j) {
  return nlohmann::json::parse(j.dump());
}

class MergeConformance : public ::testing::TestWithParam<Case> {};

TEST_P(MergeConformance, CompiledAndVersionedMatchTheReference) {
  const Case& c = GetParam();
  const auto rules = MergeRules::from_schema(read(kFixtures / c.schema));
  Json input = read(kFixtures / (c.name + ".json"));
  std::vector<Json> releases(input.begin(), input.end());
  int checked = 0;
  if (fs::exists(kFixtures / (c.name + "-compiled.json"))) {
    EXPECT_EQ(plain(procura::ocds::compile_releases(releases, rules)),
              plain(read(kFixtures / (c.name + "-compiled.json"))));
    ++checked;
  }
  if (fs::exists(kFixtures / (c.name + "-versioned.json"))) {
    EXPECT_EQ(plain(procura::ocds::version_releases(releases, rules)),
              plain(read(kFixtures / (c.name + "-versioned.json"))));
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no expected output for " << c.name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MergeConformance, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           for (auto& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// The suite's rule-override cases merge their releases twice, with the override on
// nested/array (as the reference implementation's own tests do).
TEST(MergeConformance, DuplicateRulesAppendAndMergeByPosition) {
  const auto base = MergeRules::from_schema(read(kFixtures / "schema.json"));
  for (const char* stem : {"identifier-merge-duplicate-id", "identifier-merge-no-id"}) {
    for (auto [suffix, r] : {std::pair{"-append", MergeRules::kAppend},
                             std::pair{"-by-position", MergeRules::kMergeByPosition}}) {
      const fs::path expected = kFixtures / "schema" / (std::string(stem) + suffix + ".json");
      if (!fs::exists(expected)) continue;
      MergeRules rules = base;
      rules.set_duplicate_rule("nested/array", r);
      Json input = read(kFixtures / "schema" / (std::string(stem) + ".json"));
      std::vector<Json> releases(input.begin(), input.end());
      releases.insert(releases.end(), input.begin(), input.end());
      EXPECT_EQ(plain(procura::ocds::compile_releases(releases, rules)), plain(read(expected)))
          << expected;
    }
  }
}

TEST(Merge, RefusesReleasesWithoutDate) {
  const auto rules = MergeRules::from_schema(Json::object());
  std::vector<Json> releases = {Json::parse(R"({"ocid": "x", "id": "1"})")};
  EXPECT_THROW(procura::ocds::compile_releases(releases, rules), std::invalid_argument);
}

}  // namespace

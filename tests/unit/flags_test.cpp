// Conformance of the red-flag indicators with Cardinal's fixtures
// (tests/data/reference/cardinal-fixtures/indicators: CODE[-setting-value].jsonl and .expected).
// The fixtures are run as Cardinal's own tests run them: the indicator's section enabled, the
// setting named in the file name changed, processes with procurement method details "NPC"
// treated as not comparing prices and "EXC" excluded.
#include "integrity/flags.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "integrity/coverage.hpp"
#include "integrity/prepare.hpp"
#include "io/flag_settings.hpp"

namespace fs = std::filesystem;
using procura::integrity::FlagRunner;
using procura::integrity::FlagSettings;
using procura::integrity::Json;

namespace {

const fs::path kFixtures =
    fs::path(PROCURA_SOURCE_DIR) / "tests/data/reference/cardinal-fixtures/indicators";
const std::set<std::string> kImplemented = {"R003", "R018", "R024", "R025", "R028", "R030",
                                            "R035", "R036", "R038", "R048", "R058"};

// "R003-procurement_method_details-x-5-y-10" -> section R003 + sub-section; "a+b" -> "a|b".
FlagSettings settings_for(const std::string& stem) {
  FlagSettings s;
  std::vector<std::string> parts;
  for (std::size_t start = 0, end; start <= stem.size(); start = end + 1) {
    end = stem.find('-', start);
    if (end == std::string::npos) end = stem.size();
    parts.push_back(stem.substr(start, end - start));
  }
  const std::string code = parts[0];
  s.sections[code];
  s.sections[""]["no_price_comparison_procurement_methods"] = "NPC";
  s.sections["exclusions"]["procurement_method_details"] = "EXC";
  if (parts.size() >= 3 && parts[1] == "procurement_method_details") {
    for (std::size_t i = 2; i + 1 < parts.size(); i += 2)
      s.sections[code + ".procurement_method_details"][parts[i]] = parts[i + 1];
  } else if (parts.size() == 3) {
    std::string value = parts[2];
    std::replace(value.begin(), value.end(), '+', '|');
    s.sections[code][parts[1]] = value;
  }
  return s;
}

std::vector<std::string> cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kFixtures))
    if (e.path().extension() == ".jsonl" &&
        kImplemented.count(e.path().stem().string().substr(0, 4)))
      out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class CardinalFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(CardinalFixture, MatchesExpectedOutput) {
  const std::string stem = GetParam();
  FlagRunner runner(settings_for(stem));
  std::ifstream in(kFixtures / (stem + ".jsonl"));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) runner.add(Json::parse(line));
  std::ifstream expected(kFixtures / (stem + ".expected"));
  EXPECT_EQ(runner.finish().to_json(false), Json::parse(expected));
}

INSTANTIATE_TEST_SUITE_P(Indicators, CardinalFixture, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(Quantile, R8EstimatorAsCardinal) {
  // Cardinal's R024 documentation: q1 66.6667 and lower fence 16.6667 for these differences.
  std::vector<double> v = {0, 0, 100, 100, 100, 100, 100, 100, 100};
  EXPECT_NEAR(procura::integrity::quantile(v, 0.25), 66.6667, 1e-4);
  EXPECT_DOUBLE_EQ(procura::integrity::quantile(v, 0.75), 100.0);
  EXPECT_DOUBLE_EQ(procura::integrity::quantile({5.0}, 0.25), 5.0);
}

TEST(DateTime, ParsesRfc3339) {
  long long a = 0, b = 0;
  ASSERT_TRUE(procura::integrity::parse_datetime("2000-01-01T18:00:00Z", a));
  ASSERT_TRUE(procura::integrity::parse_datetime("2000-01-02T01:00:00.123+07:00", b));
  EXPECT_EQ(b - a, 0);
  EXPECT_FALSE(procura::integrity::parse_datetime("invalid", a));
  EXPECT_FALSE(procura::integrity::parse_datetime("2000-02-30T00:00:00Z", a));
}

}  // namespace

// `prepare` conformance: every case of Cardinal's prepare fixtures gives exactly its output.
namespace {

const fs::path kPrepare =
    fs::path(PROCURA_SOURCE_DIR) / "tests/data/reference/cardinal-fixtures/prepare";

std::vector<std::string> prepare_cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kPrepare))
    if (e.path().extension() == ".jsonl") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class PrepareFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(PrepareFixture, MatchesExpectedOutput) {
  const std::string stem = GetParam();
  const FlagSettings settings = procura::read_flag_settings((kPrepare / (stem + ".ini")).string());
  procura::integrity::Preparer preparer(settings);
  std::ifstream in(kPrepare / (stem + ".jsonl"));
  std::string line, got;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto release = procura::integrity::OrderedJson::parse(line);
    preparer.prepare(release);
    got += release.dump() + "\n";
  }
  std::ifstream expected(kPrepare / (stem + ".output"));
  std::string want((std::istreambuf_iterator<char>(expected)), {});
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(Prepare, PrepareFixture, ::testing::ValuesIn(prepare_cases()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace

// Coverage counts as Cardinal documents them.
TEST(Coverage, CountsNonEmptyPaths) {
  procura::integrity::Coverage c;
  c.add(Json::parse("[0]"));  // Cardinal's own test: {"": 1, "[]": 1}
  EXPECT_EQ(nlohmann::json(c.results()), Json::parse(R"({"": 1, "[]": 1})"));
  procura::integrity::Coverage d;
  d.add(Json::parse(
      R"({"ocid": "1", "tender": {"title": "", "items": [{"id": 1}, {}]}, "buyer": {}, "tag": null})"));
  d.add(Json::parse(R"({"ocid": "", "awards": [{"suppliers": [{"id": "S"}, {"id": "T"}]}]})"));
  EXPECT_EQ(nlohmann::json(d.results()), Json::parse(R"({
    "/ocid": 1, "/tender/items[]/id": 1, "/tender/items[]/": 1, "/tender/items[]": 1, "/tender/items": 1,
    "/tender/": 1, "/tender": 1, "/": 2, "": 2, "/awards[]/suppliers[]/id": 2, "/awards[]/suppliers[]/": 2,
    "/awards[]/suppliers[]": 2, "/awards[]/suppliers": 1, "/awards[]/": 1, "/awards[]": 1, "/awards": 1})"));
}

// Health-purchasing indicators on small synthetic data, each with the figures worked out by hand.
namespace {

Json award_item_release(const std::string& ocid, const std::string& buyer, double price,
                        const std::string& supplier = "S", double value = 100) {
  return Json{
      {"ocid", ocid},
      {"buyer", {{"id", buyer}}},
      {"awards",
       {{{"status", "active"},
         {"suppliers", {{{"id", supplier}}}},
         {"value", {{"amount", value}, {"currency", "MNT"}}},
         {"items",
          {{{"classification", {{"scheme", "ATC"}, {"id", "J01CA04"}}},
            {"unit",
             {{"name", "tablet"}, {"value", {{"amount", price}, {"currency", "MNT"}}}}}}}}}}}};
}

procura::integrity::FlagResults run(const FlagSettings& s, const std::vector<Json>& releases) {
  FlagRunner runner(s);
  for (const auto& r : releases) runner.add(r);
  return runner.finish();
}

TEST(HealthIndicators, P001UnitPriceAboveOtherBuyers) {
  FlagSettings s;
  s.sections["P001"];
  // Others pay 10, 10, 12, 11; B5 pays 20: index 20 / median(10, 10, 12, 11) = 20 / 10.5.
  auto r = run(s, {award_item_release("1", "B1", 10), award_item_release("2", "B2", 10),
                   award_item_release("3", "B3", 12), award_item_release("4", "B4", 11),
                   award_item_release("5", "B5", 20)});
  ASSERT_EQ(r.groups["OCID"].size(), 1u);
  EXPECT_NEAR(r.groups["OCID"]["5"]["P001"], 20.0 / 10.5, 1e-12);
  EXPECT_NEAR(r.groups["Buyer"]["B5"]["P001"], 20.0 / 10.5, 1e-12);
  // With too few other prices nothing is compared.
  s.sections["P001"]["minimum_observations"] = "5";
  EXPECT_TRUE(run(s, {award_item_release("1", "B1", 10), award_item_release("5", "B5", 99)})
                  .groups.empty());
}

// One process with several lots (items) of one product and each lot's price.
Json lots_release(const std::string& ocid, const std::string& buyer,
                  const std::vector<std::pair<std::string, double>>& lots) {
  Json awards = Json::array();
  for (const auto& [lot, price] : lots)
    awards.push_back(
        {{"status", "active"},
         {"suppliers", {{{"id", "S"}}}},
         {"items",
          {{{"classification", {{"scheme", "ATC"}, {"id", "J01CA04"}}},
            {"relatedLot", lot},
            {"unit",
             {{"name", "tablet"}, {"value", {{"amount", price}, {"currency", "MNT"}}}}}}}}});
  return Json{{"ocid", ocid}, {"buyer", {{"id", buyer}}}, {"awards", awards}};
}

// A joint round buys one product in many lots and is one process: its lots are not other buyers.
TEST(HealthIndicators, P001NeverComparesAProcessWithItself) {
  FlagSettings s;
  s.sections["P001"];
  auto r = run(
      s, {lots_release("1", "B", {{"L1", 10}, {"L2", 10}, {"L3", 12}, {"L4", 11}, {"L5", 20}})});
  EXPECT_TRUE(r.groups.empty());
  // The largest set: 1 process priced the product; 3 others (4 in all) are needed.
  EXPECT_EQ(r.sets["P001"][""].size, 1);
  EXPECT_EQ(r.sets["P001"][""].minimum, 4);
  EXPECT_TRUE(r.sets["P001"][""].too_small());
}

// Each lot against the median of the other processes: 20 / median(10, 10, 12, 11) = 20 / 10.5.
TEST(HealthIndicators, P001FlagsTheLotThatPaidAbove) {
  FlagSettings s;
  s.sections["P001"];
  auto r = run(s, {award_item_release("1", "B1", 10), award_item_release("2", "B2", 10),
                   award_item_release("3", "B3", 12), award_item_release("4", "B4", 11),
                   lots_release("5", "B5", {{"L1", 20}, {"L2", 9}})});
  EXPECT_NEAR(r.groups["OCID"]["5"]["P001"], 20.0 / 10.5, 1e-12);
  EXPECT_NEAR(r.groups["Lot"]["5/L1"]["P001"], 20.0 / 10.5, 1e-12);
  EXPECT_FALSE(r.groups["Lot"].count("5/L2"));  // 9 / 10.5 is below
  EXPECT_EQ(r.sets["P001"][""].size, 5);
  EXPECT_FALSE(r.sets["P001"][""].too_small());
}

// Reference 5: lot A pays 8 (MPR 1.6, flagged), lot B 6 (1.2); the buyer's median 7 (1.4) is not.
TEST(HealthIndicators, P002JudgesEachLot) {
  FlagSettings s;
  s.sections["P002"];
  s.reference_prices = {{"ATC", "J01CA04", "tablet", 5.0, "MNT", 4}};
  auto r = run(s, {lots_release("1", "B1", {{"A", 8}, {"B", 6}})});
  EXPECT_NEAR(r.groups["Lot"]["1/A"]["P002"], 1.6, 1e-12);
  EXPECT_FALSE(r.groups["Lot"].count("1/B"));
  EXPECT_FALSE(r.groups.count("Buyer"));
  EXPECT_EQ(r.sets["P002"][""].size, 1);  // one product priced against a reference
}

TEST(HealthIndicators, P002MedianPriceRatio) {
  FlagSettings s;
  s.sections["P002"];
  s.reference_prices = {{"ATC", "J01CA04", "tablet", 5.0, "MNT", 4},
                        {"ATC", "X", "tablet", 1.0, "MNT", 1}};
  // B1 pays 8 and 10 (median 9): MPR 1.8 >= 1.5; B2 pays 6: MPR 1.2, not flagged.
  auto r = run(s, {award_item_release("1", "B1", 8), award_item_release("2", "B1", 10),
                   award_item_release("3", "B2", 6)});
  EXPECT_NEAR(r.groups["Buyer"]["B1"]["P002"], 1.8, 1e-12);
  EXPECT_FALSE(r.groups["Buyer"].count("B2"));
  // A reference with fewer than 3 sources is not used.
  s.reference_prices = {{"ATC", "J01CA04", "tablet", 5.0, "MNT", 2}};
  EXPECT_TRUE(run(s, {award_item_release("1", "B1", 50)}).groups.empty());
}

TEST(HealthIndicators, P003SingleBidderShare) {
  FlagSettings s;
  s.sections["P003"]["minimum_contracting_processes"] = "4";
  auto process = [](const std::string& ocid, std::vector<std::string> tenderers) {
    Json details = Json::array();
    for (const auto& t : tenderers)
      details.push_back({{"status", "valid"}, {"tenderers", {{{"id", t}}}}});
    return Json{{"ocid", ocid}, {"buyer", {{"id", "B"}}}, {"bids", {{"details", details}}}};
  };
  // 3 of 4 processes had one bidder (one of them bid twice): share 0.75.
  auto r = run(s, {process("1", {"T1"}), process("2", {"T2", "T2"}), process("3", {"T1", "T3"}),
                   process("4", {"T4"})});
  EXPECT_DOUBLE_EQ(r.groups["Buyer"]["B"]["P003"], 0.75);
  s.sections["P003"]["minimum_contracting_processes"] = "5";
  EXPECT_TRUE(run(s, {process("1", {"T1"})}).groups.empty());
}

TEST(HealthIndicators, P004Concentration) {
  FlagSettings s;
  s.sections["P004"]["minimum_awards"] = "3";
  // Supplier S holds 80 of 100, T 20: HHI = 6400 + 400 = 6800.
  auto r =
      run(s, {award_item_release("1", "B", 1, "S", 40), award_item_release("2", "B", 1, "S", 40),
              award_item_release("3", "B", 1, "T", 20)});
  EXPECT_NEAR(r.groups["Category"]["ATC:J0"]["P004"], 6800.0, 1e-9);
  // Four equal suppliers: HHI 2500 is flagged (at the threshold); five are not.
  std::vector<Json> four, five;
  for (int i = 0; i < 5; ++i)
    (i < 4 ? four : five)
        .push_back(award_item_release(std::to_string(i), "B", 1, "S" + std::to_string(i), 10));
  five.insert(five.end(), four.begin(), four.end());
  EXPECT_NEAR(run(s, four).groups["Category"]["ATC:J0"]["P004"], 2500.0, 1e-9);
  EXPECT_TRUE(run(s, five).groups.empty());
}

}  // namespace

// Meta as Cardinal documents it for R024 (q1 66.6667, lower fence 16.6667), and a threshold
// replacing the computed fence.
TEST(FlagMeta, QuartilesAndFences) {
  FlagRunner runner(settings_for("R024"));  // as the fixture runs: NPC and EXC processes left out
  std::ifstream in(kFixtures / "R024.jsonl");
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) runner.add(Json::parse(line));
  const Json meta = runner.finish().to_json(true)["Meta"]["R024"];
  EXPECT_DOUBLE_EQ(meta["q1"].get<double>(), 66.6667);
  EXPECT_DOUBLE_EQ(meta["q3"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(meta["lower_fence"].get<double>(), 16.6667);

  std::map<std::string, double> m;
  auto f = procura::integrity::outlier_fence({1, 2, 3}, 0.05, procura::integrity::FenceSide::kUpper,
                                             m, "Buyer_");
  EXPECT_DOUBLE_EQ(f.fence, 0.05);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_DOUBLE_EQ(m["Buyer_upper_fence"], 0.05);
  EXPECT_TRUE(std::isnan(
      procura::integrity::outlier_fence({}, std::nan(""), procura::integrity::FenceSide::kLower, m)
          .fence));
}

// A minimum comparison set. Values 1..4 by hand with R-8: q1 = 1 + (4⅓ · ¼ + ⅓ - 1) = 1.41667,
// q3 = 3 + (4⅓ · ¾ + ⅓ - 3) = 3.58333, upper fence q3 + 1.5 (q3 - q1) = 6.83333.
TEST(FlagMeta, TooSmallAComparisonSetFlagsNothing) {
  using procura::integrity::FenceSide;
  procura::integrity::SharedState shared;
  procura::integrity::FlagResults out;
  shared.minimum_set = 5;
  auto f = procura::integrity::outlier_fence({1, 2, 3, 4}, std::nan(""), FenceSide::kUpper, shared,
                                             out, "R058");
  EXPECT_TRUE(std::isnan(f.fence));
  EXPECT_TRUE(out.meta["R058"].empty());
  EXPECT_EQ(out.sets["R058"][""].size, 4);
  EXPECT_TRUE(out.sets["R058"][""].too_small());
  shared.minimum_set = 4;
  f = procura::integrity::outlier_fence({1, 2, 3, 4}, std::nan(""), FenceSide::kUpper, shared, out,
                                        "R038", "Buyer");
  EXPECT_NEAR(f.fence, 6.83333, 1e-5);
  EXPECT_NEAR(out.meta["R038"]["Buyer_q1"], 1.41667, 1e-5);
  EXPECT_FALSE(out.sets["R038"]["Buyer"].too_small());
  // A threshold is a fence of its own: no set is too small for it.
  shared.minimum_set = 100;
  f = procura::integrity::outlier_fence({1}, 0.5, FenceSide::kUpper, shared, out, "R048");
  EXPECT_DOUBLE_EQ(f.fence, 0.5);
  EXPECT_FALSE(out.sets["R048"][""].too_small());

  // Through a run: the R024 fixture flags process F (Cardinal's expected output); with a minimum
  // above its number of processes nothing is flagged.
  FlagSettings s = settings_for("R024");
  s.sections[""]["minimum_comparison_set"] = "1000";
  FlagRunner runner(s);
  std::ifstream in(kFixtures / "R024.jsonl");
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) runner.add(Json::parse(line));
  auto r = runner.finish();
  EXPECT_FALSE(r.groups.count("OCID"));
  EXPECT_GT(r.sets["R024"][""].size, 0);
  EXPECT_TRUE(r.sets["R024"][""].too_small());
}

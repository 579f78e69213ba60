#include "tender/profile.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace procura;

TEST(Profile, BuiltinsAreTheFiveOfTheDomain) {
  std::vector<std::string> ids;
  for (const auto& p : builtin_profiles()) ids.push_back(p.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"cn-drug-4p7", "cn-drug-r7", "cn-drug-r10",
                                           "cn-drug-r11", "alliance-3n-iol-2020"}));
  EXPECT_THROW(builtin_profile("nope"), RuleError);
}

TEST(Profile, TablesByNumberOfWinners) {
  struct Case {
    const char* profile;
    int winners, ratio_bp, months;
  };
  const Case cases[] = {{"cn-drug-r7", 1, 5000, 12},  {"cn-drug-r7", 2, 6000, 12},
                        {"cn-drug-r7", 3, 7000, 24},  {"cn-drug-r7", 4, 8000, 36},
                        {"cn-drug-r7", 9, 8000, 36},  {"alliance-3n-iol-2020", 5, 6000, 24},
                        {"cn-drug-4p7", 1, 6000, 12}, {"cn-drug-r10", 3, 7000, 24}};
  for (const auto& c : cases) {
    const auto& p = builtin_profile(c.profile);
    EXPECT_EQ(p.volume_ratio_bp(c.winners), c.ratio_bp) << c.profile << " " << c.winners;
    EXPECT_EQ(p.term_months(c.winners), c.months) << c.profile << " " << c.winners;
  }
}

TEST(Profile, JsonRoundTripsEveryBuiltin) {
  for (const auto& p : builtin_profiles()) {
    auto j = profile_to_json(p);
    EXPECT_EQ(profile_to_json(profile_from_json(j, "test")), j) << p.id;
  }
}

TEST(Profile, UserProfileDerivesFromABuiltin) {
  auto p = profile_from_json(
      nlohmann::json::parse(
          R"({"base": "cn-drug-r7", "id": "my-r7", "winnersMax": 4, "guardFloorPrice": "0.05"})"),
      "round.json");
  EXPECT_EQ(p.id, "my-r7");
  EXPECT_EQ(p.winners_max, 4);
  EXPECT_EQ(p.guard_floor_price, 500);
  EXPECT_EQ(p.guard, AdmissionGuard::kR7);  // inherited
}

TEST(Profile, RejectsBadSettingsNamingTheField) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"({"base": "cn-drug-r7", "id": "x", "bogus": 1})",
       "field 'profile.bogus': unknown profile setting"},
      {R"({"base": "cn-drug-r7", "id": "x", "guard": "r8"})",
       "field 'profile.guard': expected one of none, r7, r10, r11"},
      {R"({"base": "zz"})", "field 'profile.base': unknown rule profile 'zz'"},
      {R"({"base": "cn-drug-r7", "id": "x", "winnersMin": 0})",
       "expected 1 <= winnersMin <= winnersMax"},
      {R"({"base": "cn-drug-r7", "id": "x", "volumeRatioBpByWinners": [5000, 12000]})",
       "expected 1..10000 basis points"},
      {R"({"winnersMax": 3})", "field 'profile.id': a profile needs an id"}};
  for (const auto& c : cases) {
    try {
      profile_from_json(nlohmann::json::parse(c.json), "round.json");
      ADD_FAILURE() << c.json;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    }
  }
}

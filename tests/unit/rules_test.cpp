// Table-driven tests of the award rules of domain.md §1.3.
#include <gtest/gtest.h>

#include "award/engine.hpp"
#include "award/steps.hpp"
#include "core/percent.hpp"
#include "tender/commitment.hpp"

using namespace procura;

TEST(WinnerCount, FollowsTheProfile) {
  struct Case {
    const char* profile;
    int n, b_firms, want;
  };
  const Case cases[] = {{"alliance-3n-iol-2020", 0, 0, 0},
                        {"alliance-3n-iol-2020", 1, 0, 1},
                        {"alliance-3n-iol-2020", 2, 0, 1},
                        {"alliance-3n-iol-2020", 3, 0, 1},
                        {"alliance-3n-iol-2020", 4, 0, 2},
                        {"alliance-3n-iol-2020", 5, 0, 3},
                        {"alliance-3n-iol-2020", 12, 0, 10},
                        {"alliance-3n-iol-2020", 20, 0, 10},
                        {"cn-drug-4p7", 5, 0, 1},
                        {"cn-drug-r7", 2, 0, 1},
                        {"cn-drug-r7", 3, 0, 1},
                        {"cn-drug-r7", 10, 0, 8},
                        {"cn-drug-r10", 10, 0, 7},
                        {"cn-drug-r10", 10, 4, 5},  // "10 enter 5"
                        {"cn-drug-r10", 10, 7, 5},
                        {"cn-drug-r10", 4, 2, 1}};
  for (const auto& c : cases)
    EXPECT_EQ(winner_slots(builtin_profile(c.profile), c.n, c.b_firms), c.want)
        << c.profile << " N=" << c.n << " B=" << c.b_firms;
}

TEST(ShareLadder, MatchesTheDocumentedShares) {
  const auto& p = builtin_profile("alliance-3n-iol-2020");
  auto text = [](const std::vector<Fraction>& v) {
    std::string s;
    for (const auto& f : v) s += (s.empty() ? "" : " ") + publish_percent(f);
    return s;
  };
  EXPECT_EQ(text(ladder_shares(p, 1)), "100.00");
  EXPECT_EQ(text(ladder_shares(p, 2)), "60.00 40.00");
  EXPECT_EQ(text(ladder_shares(p, 3)), "60.00 24.00 16.00");
  EXPECT_EQ(text(ladder_shares(p, 4)), "50.00 25.00 12.50 12.50");
  EXPECT_EQ(text(ladder_shares(p, 5)), "50.00 25.00 12.50 6.25 6.25");
  RuleProfile free_choice = p;
  free_choice.ladder_remainder_to_last = false;
  EXPECT_EQ(text(ladder_shares(free_choice, 4)),
            "50.00 25.00 12.50 6.25");  // 6.25 % left to hospitals
}

TEST(ShareLadder, IntegerisationSumsExactlyToTheBase) {
  const auto& p = builtin_profile("alliance-3n-iol-2020");
  struct Case {
    int k;
    Units base;
    std::vector<Units> want;
  };
  const Case cases[] = {{3, 420, {253, 100, 67}},
                        {2, 59031, {35419, 23612}},
                        {4, 7, {4, 2, 1, 0}},
                        {5, 290, {146, 72, 36, 18, 18}},
                        {10, 1, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                        {3, 0, {0, 0, 0}}};
  for (const auto& c : cases)
    EXPECT_EQ(integerise(ladder_shares(p, c.k), c.base), c.want) << c.k << " " << c.base;
}

TEST(SplitByWeight, LargestRemainderTiesToLowerIndex) {
  EXPECT_EQ(split_by_weight(10, {1, 1, 1}), (std::vector<Units>{4, 3, 3}));
  EXPECT_EQ(split_by_weight(320, {300, 100}), (std::vector<Units>{240, 80}));
  EXPECT_EQ(split_by_weight(5, {0, 0}), (std::vector<Units>{0, 0}));
  EXPECT_EQ(split_by_weight(7, {2, 5}), (std::vector<Units>{2, 5}));
}

TEST(ContractTerm, EndsTheDayBefore) {
  EXPECT_EQ(contract_end("2020-09-01", 24), "2022-08-31");
  EXPECT_EQ(contract_end("2021-01-31", 1), "2021-02-27");  // 2021-02-28 (clamped) minus a day
  EXPECT_EQ(contract_end("2020-03-01", 12), "2021-02-28");
  EXPECT_EQ(contract_end("garbage", 12), "");
}

TEST(Mainstream, ShareOrCumulativeCoverage) {
  const std::vector<Units> vol = {600, 250, 100, 40, 10, 0, 0};
  const std::vector<std::vector<int>> groups = {{0, 1, 2, 3, 4}, {5, 6}};
  // 0+1 = 85 % covers 80 %; 2 has 10 % >= 5 %; 3 (4 %) and 4 (1 %) are off the list; a group
  // without history has no mainstream product.
  EXPECT_EQ(mainstream_products(groups, vol, 500, 8000),
            (std::vector<bool>{true, true, true, false, false, false, false}));
  EXPECT_EQ(mainstream_products(groups, vol, 5000, 8000),
            (std::vector<bool>{true, true, false, false, false, false, false}));
}

TEST(Catalog, GroupKeyAndContainment) {
  Product p;
  p.category = "IOL";
  p.basic = {"acrylic", "one-piece"};
  p.additional = {"preloaded", "toric"};
  EXPECT_EQ(group_key(p), "IOL|acrylic|one-piece|{preloaded+toric}");
  EXPECT_EQ(family_key(p), "IOL|acrylic|one-piece");
  EXPECT_TRUE(strictly_contains({"preloaded", "toric"}, {"toric"}));
  EXPECT_FALSE(strictly_contains({"toric"}, {"toric"}));
  EXPECT_FALSE(strictly_contains({"a", "c"}, {"b"}));
}

TEST(Commitment, IsBlake2bOfTheCanonicalText) {
  Bid b{"P1", 500'000, "2020-06-10T08:00:00Z", "n1", ""};
  EXPECT_EQ(bid_canonical_text("r1", b), "procura-bid-v1|r1|P1|50.0000|n1");
  EXPECT_EQ(blake2b_hex(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_NE(bid_commitment("r1", b), bid_commitment("r2", b));
}

namespace {
// A small alliance round: two families, inverted products and a competitive group.
RoundInput inversion_round(InversionMode mode) {
  RoundInput in;
  in.id = "inv";
  in.profile = builtin_profile("alliance-3n-iol-2020");
  in.profile.inversion = mode;
  in.timeline = {"2019", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "", "2020-09-01"};
  in.regions = {{"R1", ""}};
  in.institutions = {{"I1", "", "R1"}};
  for (int e = 1; e <= 4; ++e)
    in.enterprises.push_back({"E" + std::to_string(e), "", true, true, 'A', "", ""});
  auto add = [&](const std::string& id, const std::string& ent, std::vector<std::string> adds,
                 Price ref, Price elsewhere) {
    Product p;
    p.id = id;
    p.enterprise_id = ent;
    p.category = "IOL";
    p.registration_id = "R";
    p.basic = {"acrylic"};
    p.additional = std::move(adds);
    in.products.push_back(p);
    in.history.push_back({id, "R1", ref, 100});
    if (elsewhere) in.history.push_back({id, "OUTSIDE", elsewhere, 100});
  };
  add("plain1", "E1", {}, 2'000'000, 0);
  add("plain2", "E2", {}, 1'900'000, 0);
  add("plain3", "E3", {}, 1'800'000, 0);
  add("toric1", "E4", {"toric"}, 1'500'000, 0);  // more features, cheaper: inverted
  add("toric2", "E1", {"toric"}, 2'500'000,
      1'000'000);  // dearer than plain: not inverted by attributes
  return in;
}
}  // namespace

TEST(PriceInversion, ByAttributesAndByExternalPrice) {
  for (auto [mode, want] :
       {std::pair{InversionMode::kAttributes, std::vector<std::string>{"toric1"}},
        std::pair{InversionMode::kExternalPrice, std::vector<std::string>{"toric2"}},
        std::pair{InversionMode::kOff, std::vector<std::string>{}}}) {
    RoundInput in = inversion_round(mode);
    RoundIndex ix(in);
    RoundResult r;
    qualify(ix, r);
    group_products(ix, r);
    std::vector<std::string> got;
    for (std::size_t p = 0; p < in.products.size(); ++p)
      if (r.inverted[p]) got.push_back(in.products[p].id);
    EXPECT_EQ(got, want);
    route_groups(ix, r);
    // The plain group stays competitive (3 firms); the toric group is negotiated.
    for (const auto& g : r.groups) EXPECT_EQ(g.competitive, g.key == "IOL|acrylic|{}") << g.key;
  }
}

TEST(Routing, ConsortiumMembersCountOnce) {
  RoundInput in = inversion_round(InversionMode::kOff);
  in.enterprises[1].consortium_id = "C1";
  in.enterprises[2].consortium_id = "C1";
  RoundIndex ix(in);
  RoundResult r;
  qualify(ix, r);
  group_products(ix, r);
  route_groups(ix, r);
  for (const auto& g : r.groups) {
    if (g.key != "IOL|acrylic|{}") continue;
    EXPECT_EQ(g.n_firms, 2);
    EXPECT_FALSE(g.competitive);
  }
}

TEST(Qualification, PublishesAReasonForEveryRejection) {
  RoundInput in = inversion_round(InversionMode::kOff);
  in.enterprises[3].supply_capacity_ok = false;
  in.products[1].registration_valid_until = "2020-01-01";
  in.products[2].registration_id.clear();
  auto r = run_round(in);
  ASSERT_EQ(r.rejections.size(), 3u);
  EXPECT_EQ(r.rejections[0].code, "registration_expired");
  EXPECT_EQ(r.rejections[1].code, "no_registration");
  EXPECT_EQ(r.rejections[2].code, "supply_capacity");
  for (const auto& x : r.rejections) EXPECT_FALSE(x.reason.empty());
}

// A party's registration, case by case: {scheme, id, the part refused ("" for none)}.
TEST(PartyIdentifier, BothPartsOrNeitherInTheirForms) {
  struct Case {
    const char* scheme;
    const char* id;
    const char* refused;
  };
  const std::string sixty_five(65, '9');
  const Case cases[] = {
      {"", "", ""},                                  // none: published by id and name
      {"CN-USCC", "91350100M000100Y43", ""},         // a unified social credit code
      {"GB-COH", "01234567", ""},                    // UK Companies House
      {"XI-LEI", "5493001KJTIIGC8Y1R12", ""},        // a legal entity identifier
      {"CN-USCC", "", "id"},                         // a register without the number
      {"", "91350100M000100Y43", "scheme"},          // a number without its register
      {"cn-uscc", "X1", "scheme"},                   // capitals only
      {"CNUSCC", "X1", "scheme"},                    // the hyphen after the country
      {"C-USCC", "X1", "scheme"},                    // two letters before it
      {"CN-U", "X1", "scheme"},                      // at least two after it
      {"CN-ABCDEFGHIJKLMNOPQRSTU", "X1", "scheme"},  // at most twenty after it
      {"CN-USCC", "9135 0100", "id"},                // no spaces
      {"CN-USCC", sixty_five.c_str(), "id"},         // at most 64
  };
  for (const auto& c : cases) {
    const auto [part, expected] = procura::identifier_problem({c.scheme, c.id});
    EXPECT_EQ(part, c.refused) << c.scheme << " / " << c.id;
    EXPECT_EQ(expected.empty(), part.empty()) << c.scheme << " / " << c.id;
  }
}

// Ratios in thousandths as exact decimals, worked by hand.
TEST(Thousandths, ShortestExactDecimal) {
  EXPECT_EQ(procura::thousandths_text(1800), "1.8");
  EXPECT_EQ(procura::thousandths_text(1850), "1.85");
  EXPECT_EQ(procura::thousandths_text(2000), "2");
  EXPECT_EQ(procura::thousandths_text(1005), "1.005");
  EXPECT_EQ(procura::thousandths_text(50), "0.05");
  EXPECT_EQ(procura::thousandths_text(0), "0");
  EXPECT_EQ(procura::thousandths_text(-150), "-0.15");
  EXPECT_EQ(procura::thousandths_text(-1150), "-1.15");
}

// Properties over generated rounds of every profile: allocated units always sum exactly to the
// agreed volumes and bases, winners respect f(N) and one award per competitor, and a round is
// deterministic.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../../bench/generator.hpp"
#include "award/engine.hpp"
#include "report/report.hpp"

using namespace procura;

class RoundProperties : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(RoundProperties, VolumesSumExactlyAndWinnersRespectTheRules) {
  GeneratorSpec spec;
  spec.profile = std::get<0>(GetParam());
  spec.seed = static_cast<std::uint64_t>(std::get<1>(GetParam()));
  spec.groups = 60;
  spec.products = 400;
  spec.enterprises = 40;
  spec.regions = 5;
  spec.institutions = 120;
  spec.demand_lines = 4'000;
  RoundInput in = generate_round(spec);
  RoundResult r = run_round(in);

  std::vector<Units> allocated(r.awards.size(), 0);
  for (const auto& a : r.allocations) {
    ASSERT_GT(a.units, 0);
    allocated[a.award] += a.units;
  }
  std::map<int, Units> group_volume;
  std::map<int, std::set<std::string>> competitors;
  for (std::size_t a = 0; a < r.awards.size(); ++a) {
    const Award& aw = r.awards[a];
    EXPECT_EQ(allocated[a], aw.volume) << aw.id;
    if (aw.stage != Stage::kBidding) continue;
    group_volume[aw.group] += aw.volume;
    EXPECT_TRUE(competitors[aw.group].insert(in.products[aw.product].enterprise_id).second)
        << "two awards for one enterprise in a group";
  }
  for (const auto& [g, volume] : group_volume) {
    const Group& grp = r.groups[g];
    EXPECT_EQ(volume, grp.base) << grp.id;  // every unit of the base is allocated, no more
    EXPECT_LE(grp.winners, grp.slots + (in.profile.non_shortlisted_revival ? grp.valid_bidders : 0))
        << grp.id;
    EXPECT_GE(grp.valid_bidders, 2) << grp.id;
  }
  EXPECT_EQ(r.metrics.selected_products, static_cast<int>(r.awards.size()));
  EXPECT_EQ(result_json(in, r).dump(), result_json(in, run_round(in)).dump());
}

INSTANTIATE_TEST_SUITE_P(Generated, RoundProperties,
                         ::testing::Combine(::testing::Values("alliance-3n-iol-2020", "cn-drug-4p7",
                                                              "cn-drug-r7", "cn-drug-r10",
                                                              "cn-drug-r11"),
                                            ::testing::Range(1, 6)),
                         [](const auto& info) {
                           std::string n = std::get<0>(info.param) + "_seed" +
                                           std::to_string(std::get<1>(info.param));
                           for (auto& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

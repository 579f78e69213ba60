#pragma once
// The steps of the award algorithm (domain.md §1.3), each a function over the index and the
// result so far. run_round() in engine.hpp calls them in order; tests may call them one by one.
#include "award/index.hpp"
#include "award/result.hpp"

namespace procura {

// Step 0: marks eligible products and records a published reason for every rejection.
void qualify(const RoundIndex& ix, RoundResult& r);
// Step 1: groups eligible products by functional attributes and flags price inversions.
void group_products(const RoundIndex& ix, RoundResult& r);
// Step 2: counts competitors per group and routes groups to bidding or negotiation.
void route_groups(const RoundIndex& ix, RoundResult& r);
// Step 3: the bidding stage for competitive groups (validity, ranking, winners, guards, revival).
void run_bidding(const RoundIndex& ix, RoundResult& r);
// Step 4: the negotiation stage for every product routed to it.
void run_negotiation(const RoundIndex& ix, RoundResult& r);
// Step 4b: groups named in RoundInput::held_groups (a pending complaint) keep their ranking but
// get no award, volume or contract until the hold ends.
void hold_groups(const RoundIndex& ix, RoundResult& r);
// Step 5: agreed volumes: base, share ladder or region draft, institution assignment.
void allocate_volume(const RoundIndex& ix, RoundResult& r);
// Step 6: contract terms for every award.
void set_contract_terms(const RoundIndex& ix, RoundResult& r);
// Step 7: the results metrics exactly as §1.3 step 7 defines them.
void compute_metrics(const RoundIndex& ix, RoundResult& r);

// Exposed for tests: f(N) of the profile before guards (at least winners_min, at most max).
int winner_slots(const RuleProfile& p, int n_competitors, int b_licence_firms);
// Exposed for tests: the share ladder for k winners as exact fractions (sums to 1 when the
// remainder goes to the last winner).
std::vector<Fraction> ladder_shares(const RuleProfile& p, int k);
// Exposed for tests: integer units per share; floors, then leftover units to rank 1 first.
std::vector<Units> integerise(const std::vector<Fraction>& shares, Units base);
// Exposed for tests: splits `total` over weights by largest remainder (ties: lower index).
std::vector<Units> split_by_weight(Units total, const std::vector<Units>& weights);
// Exposed for tests: ISO date plus months minus one day ("2021-01-01" + 24 -> "2022-12-31").
std::string contract_end(const std::string& start, int months);

}  // namespace procura

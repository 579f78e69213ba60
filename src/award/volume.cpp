// Step 5: agreed volumes. The base, the share ladder with exact integerisation, the region
// draft, and the assignment of volumes to institutions (brand choice first).
#include <algorithm>
#include <map>
#include <numeric>
#include <thread>

#include "award/steps.hpp"

namespace procura {

namespace {

Wide gcd(Wide a, Wide b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    Wide t = a % b;
    a = b;
    b = t;
  }
  return a;
}

Fraction normalise(Wide num, Wide den) {
  Wide g = gcd(num, den);
  return g > 1 ? Fraction{num / g, den / g} : Fraction{num, den};
}

// One institution's demand for a group: total quantity and the winning brands it asked for.
struct InstitutionDemand {
  int institution = -1;
  Units quantity = 0;
  std::vector<std::pair<int, Units>> brands;  // (award, by-brand quantity)
};

// Reusable per-institution scratch space, so that a group's demand is gathered in time
// proportional to its demand lines.
struct Scratch {
  std::vector<int> slot;  // by institution: position in the current list, -1 when absent
  std::vector<int> touched;
};

std::vector<InstitutionDemand> group_demand(const RoundIndex& ix, const std::vector<int>& products,
                                            const std::vector<int>& group_lines,
                                            const std::vector<int>& award_of_product,
                                            Scratch& scratch) {
  if (scratch.slot.empty()) scratch.slot.assign(ix.in.institutions.size(), -1);
  scratch.touched.clear();
  for (int p : products)
    for (std::size_t l = ix.demand_begin[p]; l < ix.demand_begin[p + 1]; ++l) {
      int inst = ix.demand_refs[l].institution;
      if (scratch.slot[inst] < 0) scratch.slot[inst] = 0, scratch.touched.push_back(inst);
    }
  for (int gl : group_lines) {
    int inst = ix.group_demand_institution[gl];
    if (scratch.slot[inst] < 0) scratch.slot[inst] = 0, scratch.touched.push_back(inst);
  }
  std::sort(scratch.touched.begin(), scratch.touched.end());
  std::vector<InstitutionDemand> out(scratch.touched.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].institution = scratch.touched[i];
    scratch.slot[scratch.touched[i]] = static_cast<int>(i);
  }
  for (int p : products)
    for (std::size_t l = ix.demand_begin[p]; l < ix.demand_begin[p + 1]; ++l) {
      const DemandRef& d = ix.demand_refs[l];
      auto& entry = out[scratch.slot[d.institution]];
      entry.quantity += d.quantity;
      if (d.by_brand && award_of_product[p] >= 0)
        entry.brands.emplace_back(award_of_product[p], d.quantity);
    }
  for (int gl : group_lines)
    out[scratch.slot[ix.group_demand_institution[gl]]].quantity += ix.in.group_demand[gl].quantity;
  for (int inst : scratch.touched) scratch.slot[inst] = -1;
  return out;
}

// What one thread's share of the groups adds to the result, in group order.
struct VolumeOut {
  std::vector<Allocation> allocations;
  std::vector<RegionPick> picks;
  Scratch scratch;
};

void add_allocation(VolumeOut& out, int award, int inst, Units units) {
  if (units > 0) out.allocations.push_back({award, inst, units});
}

// Fills institutions' targets from the awards' capacities: brand requests first, then the
// awards in rank order.
void assign_by_capacity(VolumeOut& out, const std::vector<InstitutionDemand>& demand,
                        const std::vector<Units>& targets, const std::vector<int>& awards,
                        std::vector<Units> capacity, int ratio_bp) {
  const std::size_t k = awards.size();
  std::vector<Units> left = targets;
  std::vector<Units> given(demand.size() * k, 0);  // [institution][award]
  for (std::size_t i = 0; i < demand.size(); ++i)
    for (const auto& [award, qty] : demand[i].brands) {
      auto pos =
          static_cast<std::size_t>(std::find(awards.begin(), awards.end(), award) - awards.begin());
      Units want = static_cast<Units>(round_half_up(Wide(qty) * ratio_bp, 10'000));
      Units give = std::min({left[i], capacity[pos], want});
      left[i] -= give;
      capacity[pos] -= give;
      given[i * k + pos] += give;
    }
  for (std::size_t i = 0; i < demand.size(); ++i)
    for (std::size_t a = 0; a < k && left[i] > 0; ++a) {
      Units give = std::min(left[i], capacity[a]);
      left[i] -= give;
      capacity[a] -= give;
      given[i * k + a] += give;
    }
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t i = 0; i < demand.size(); ++i)
      add_allocation(out, awards[a], demand[i].institution, given[i * k + a]);
}

void allocate_ladder(const RoundIndex& ix, RoundResult& r, Group& grp,
                     const std::vector<int>& products, const std::vector<int>& awards,
                     const std::vector<int>& award_of_product, VolumeOut& out) {
  const auto& pf = ix.in.profile;
  std::vector<Fraction> shares = pf.split == VolumeSplit::kSingleWinner
                                     ? std::vector<Fraction>(awards.size(), Fraction{0, 1})
                                     : ladder_shares(pf, static_cast<int>(awards.size()));
  if (pf.split == VolumeSplit::kSingleWinner) shares[0] = {1, 1};
  std::vector<Units> units = integerise(shares, grp.base);
  for (std::size_t i = 0; i < awards.size(); ++i) {
    r.awards[awards[i]].volume = units[i];
    r.awards[awards[i]].share = shares[i];
  }
  auto demand = group_demand(ix, products, grp.group_lines, award_of_product, out.scratch);
  std::vector<Units> weights;
  for (const auto& d : demand) weights.push_back(d.quantity);
  assign_by_capacity(out, demand, split_by_weight(grp.base, weights), awards, units,
                     grp.volume_ratio_bp);
}

void allocate_regions(const RoundIndex& ix, RoundResult& r, Group& grp,
                      const std::vector<int>& products, const std::vector<int>& awards,
                      const std::vector<int>& award_of_product, VolumeOut& out) {
  const auto& in = ix.in;
  auto demand = group_demand(ix, products, grp.group_lines, award_of_product, out.scratch);
  const std::size_t nr = in.regions.size();
  std::vector<Units> region_demand(nr, 0), region_volume(nr, 0);
  for (const auto& d : demand) region_demand[ix.region_of[d.institution]] += d.quantity;
  grp.base = 0;
  for (std::size_t g = 0; g < nr; ++g) {
    region_volume[g] =
        static_cast<Units>(round_half_up(Wide(region_demand[g]) * grp.volume_ratio_bp, 10'000));
    grp.base += region_volume[g];
  }

  std::vector<int> drafters;
  for (int a : awards)
    if (r.awards[a].in_draft) drafters.push_back(a);
  std::map<int, std::vector<int>> prefs;  // award -> regions in preference order
  {
    std::vector<const RegionPreference*> sorted;
    for (const auto& p : in.region_preferences) sorted.push_back(&p);
    std::sort(sorted.begin(), sorted.end(), [](auto a, auto b) { return a->rank < b->rank; });
    for (const auto* p : sorted) {
      int prod = ix.product.at(p->product_id);
      if (award_of_product[prod] >= 0)
        prefs[award_of_product[prod]].push_back(ix.region.at(p->region_id));
    }
  }
  auto choose = [&](int award, const std::vector<bool>& open) {
    for (int reg : prefs[award])
      if (open[reg]) return reg;
    int best = -1;
    for (std::size_t g = 0; g < nr; ++g)
      if (open[g] && (best < 0 || region_volume[g] > region_volume[best]))
        best = static_cast<int>(g);
    return best;
  };
  std::vector<bool> open(nr, false);
  std::size_t remaining = 0;
  for (std::size_t g = 0; g < nr; ++g)
    if (region_volume[g] > 0) open[g] = true, ++remaining;
  std::vector<int> primary_of(nr, -1);
  std::map<int, std::vector<int>> primaries;
  for (int turn = 1; remaining > 0 && !drafters.empty(); ++turn)
    for (int a : drafters) {
      if (remaining == 0) break;
      int reg = choose(a, open);
      open[reg] = false;
      --remaining;
      primary_of[reg] = a;
      primaries[a].push_back(reg);
      out.picks.push_back({a, reg, false, turn, region_volume[reg]});
    }
  for (int a : drafters) {  // spare regions: any drafted region that is not the winner's own
    std::vector<bool> spare_open(nr, false);
    for (std::size_t g = 0; g < nr; ++g) spare_open[g] = region_volume[g] > 0 && primary_of[g] != a;
    int reg = choose(a, spare_open);
    if (reg >= 0) out.picks.push_back({a, reg, true, 0, 0});
  }

  std::map<std::pair<int, int>, Units> given;
  for (std::size_t g = 0; g < nr; ++g) {
    if (region_volume[g] == 0 || primary_of[g] < 0) continue;
    std::vector<const InstitutionDemand*> here;
    std::vector<Units> weights;
    for (const auto& d : demand)
      if (ix.region_of[d.institution] == static_cast<int>(g))
        here.push_back(&d), weights.push_back(d.quantity);
    auto targets = split_by_weight(region_volume[g], weights);
    for (std::size_t i = 0; i < here.size(); ++i) {
      // By-brand quantities go to their winning brand, the rest to the region's primary supplier.
      std::vector<Units> parts;
      Units rest = here[i]->quantity;
      for (const auto& [award, qty] : here[i]->brands) parts.push_back(qty), rest -= qty;
      parts.push_back(rest);
      auto split = split_by_weight(targets[i], parts);
      for (std::size_t b = 0; b < here[i]->brands.size(); ++b)
        given[{here[i]->brands[b].first, here[i]->institution}] += split[b];
      given[{primary_of[g], here[i]->institution}] += split.back();
    }
  }
  for (const auto& [key, units] : given) {
    add_allocation(out, key.first, key.second, units);
    r.awards[key.first].volume += units;
  }
  for (int a : awards)
    r.awards[a].share = normalise(r.awards[a].volume, std::max<Units>(grp.base, 1));
}

}  // namespace

std::vector<Fraction> ladder_shares(const RuleProfile& p, int k) {
  std::vector<Fraction> s;
  if (k <= 0) return s;
  if (k == 1) return {{1, 1}};
  const Wide first = k <= 3 ? 60 : 50, rest = k == 3 ? 60 : 50;
  Fraction left{1, 1};
  auto take = [&](Wide pct) {
    Fraction f = normalise(left.num * pct, left.den * 100);
    s.push_back(f);
    left = normalise(left.num * f.den - f.num * left.den, left.den * f.den);
  };
  take(first);
  for (int i = 2; i < k; ++i) take(rest);
  if (p.ladder_remainder_to_last || k == 2)
    s.push_back(left);
  else
    take(rest);
  return s;
}

std::vector<Units> integerise(const std::vector<Fraction>& shares, Units base) {
  std::vector<Units> units(shares.size(), 0);
  Fraction total{0, 1};
  Wide assigned = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    units[i] = static_cast<Units>(shares[i].num * base / shares[i].den);
    assigned += units[i];
    total =
        normalise(total.num * shares[i].den + shares[i].num * total.den, total.den * shares[i].den);
  }
  Wide target = total.num * base / total.den;
  for (std::size_t i = 0; assigned < target && !units.empty(); i = (i + 1) % units.size()) {
    ++units[i];
    ++assigned;
  }
  return units;
}

std::vector<Units> split_by_weight(Units total, const std::vector<Units>& weights) {
  std::vector<Units> out(weights.size(), 0);
  Wide sum = std::accumulate(weights.begin(), weights.end(), Wide(0));
  if (sum == 0 || total == 0) return out;
  std::vector<std::pair<Wide, std::size_t>> remainders;
  remainders.reserve(weights.size());
  Wide assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    Wide exact = Wide(total) * weights[i];
    out[i] = static_cast<Units>(exact / sum);
    assigned += out[i];
    if (exact % sum != 0) remainders.emplace_back(exact % sum, i);
  }
  const std::size_t needed = static_cast<std::size_t>(total - assigned);
  auto by_remainder = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  std::partial_sort(remainders.begin(), remainders.begin() + static_cast<long>(needed),
                    remainders.end(), by_remainder);
  for (std::size_t j = 0; j < needed; ++j) ++out[remainders[j].second];
  return out;
}

void allocate_volume(const RoundIndex& ix, RoundResult& r) {
  const auto& pf = ix.in.profile;
  std::vector<int> award_of_product(ix.in.products.size(), -1);
  std::vector<std::vector<int>> awards_of_group(r.groups.size());
  std::vector<int> negotiated;
  for (std::size_t a = 0; a < r.awards.size(); ++a) {
    award_of_product[r.awards[a].product] = static_cast<int>(a);
    if (r.awards[a].stage == Stage::kBidding)
      awards_of_group[r.awards[a].group].push_back(static_cast<int>(a));
    else
      negotiated.push_back(static_cast<int>(a));
  }
  auto bidding_groups = [&](VolumeOut& out, std::size_t from, std::size_t to) {
    for (std::size_t g = from; g < to; ++g) {
      Group& grp = r.groups[g];
      const auto& awards = awards_of_group[g];
      if (awards.empty()) continue;
      grp.volume_ratio_bp = pf.volume_ratio_bp(static_cast<int>(awards.size()));
      Units bidding_demand = 0;
      std::vector<int> bidding_products;
      for (int p : grp.products)
        if (!r.inverted[p]) bidding_demand += ix.demand[p], bidding_products.push_back(p);
      for (int gl : grp.group_lines) bidding_demand += ix.in.group_demand[gl].quantity;
      grp.base =
          static_cast<Units>(round_half_up(Wide(bidding_demand) * grp.volume_ratio_bp, 10'000));
      if (pf.split == VolumeSplit::kRegionDraft)
        allocate_regions(ix, r, grp, bidding_products, awards, award_of_product, out);
      else
        allocate_ladder(ix, r, grp, bidding_products, awards, award_of_product, out);
    }
  };
  const int neg_ratio = pf.volume_ratio_bp(1);
  auto negotiated_awards = [&](VolumeOut& out, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      const int a = negotiated[i];
      Award& aw = r.awards[a];
      aw.volume =
          static_cast<Units>(round_half_up(Wide(ix.demand[aw.product]) * neg_ratio, 10'000));
      aw.share = {1, 1};
      auto demand = group_demand(ix, {aw.product}, {}, award_of_product, out.scratch);
      std::vector<Units> weights;
      for (const auto& d : demand) weights.push_back(d.quantity);
      auto targets = split_by_weight(aw.volume, weights);
      for (std::size_t j = 0; j < demand.size(); ++j)
        add_allocation(out, a, demand[j].institution, targets[j]);
    }
  };
  // Groups (and negotiated awards) are independent: two threads take one half each, and their
  // outputs are joined in order, so the result does not depend on the threads.
  const std::size_t ng = r.groups.size(), nn = negotiated.size();
  VolumeOut first, second;
  auto half = [&](VolumeOut& out, int h) {
    bidding_groups(out, ng * h / 2, ng * (h + 1) / 2);
    negotiated_awards(out, nn * h / 2, nn * (h + 1) / 2);
  };
  if (ix.demand_refs.size() > 100'000) {
    std::thread other([&] { half(second, 1); });
    half(first, 0);
    other.join();
  } else {
    half(first, 0);
    half(second, 1);
  }
  // A group awarded by negotiation only reports what its negotiated awards agreed: each a winner,
  // their volumes its base, at the one-winner volume ratio.
  for (int a : negotiated) {
    Group& grp = r.groups[r.awards[a].group];
    if (!awards_of_group[r.awards[a].group].empty()) continue;
    grp.volume_ratio_bp = neg_ratio;
    grp.base += r.awards[a].volume;
    ++grp.winners;
  }
  // Order: the first half's groups and negotiated awards, then the second half's.
  r.allocations = std::move(first.allocations);
  r.allocations.insert(r.allocations.end(), second.allocations.begin(), second.allocations.end());
  r.region_picks = std::move(first.picks);
  r.region_picks.insert(r.region_picks.end(), second.picks.begin(), second.picks.end());
}

}  // namespace procura

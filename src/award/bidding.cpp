// Step 3: the bidding stage. Validity, ranking with tie-breaks, winner count f(N), the admission
// guard of the profile, and revival.
#include <algorithm>
#include <cmath>
#include <set>

#include "award/steps.hpp"
#include "core/percent.hpp"
#include "tender/commitment.hpp"

namespace procura {

int winner_slots(const RuleProfile& p, int n, int b_firms) {
  if (n <= 0) return 0;
  int k = n <= p.winners_single_at_or_below ? 1 : n - p.winners_minus;
  if (p.b_licence_reduction) k -= std::min(2, b_firms / 2);
  return std::min(std::clamp(k, p.winners_min, p.winners_max), n);
}

namespace {

long double strength_factor(const RuleProfile& pf, std::int64_t strength, std::int64_t ref) {
  if (pf.spec_coefficient <= 0 || strength <= 0 || ref <= 0 || strength == ref) return 1.0L;
  return std::pow(pf.spec_coefficient, std::log2(static_cast<long double>(strength) / ref));
}

Price scale(Price p, long double factor, bool divide) {
  if (factor == 1.0L) return p;
  return static_cast<Price>(std::llround(divide ? p / factor : p * factor));
}

bool has_extra_decimals(Price p, int decimals) {
  Price unit = 1;
  for (int d = decimals; d < kPriceDecimals; ++d) unit *= 10;
  return p % unit != 0;
}

// Checks one product's bid; returns true when it is valid.
bool check_bid(const RoundIndex& ix, int p, BidOutcome& o) {
  const auto& in = ix.in;
  o.bid = ix.bid[p];
  if (o.bid < 0) {
    o.status = BidStatus::kMissing;
    o.reason = "no bid submitted";
    return false;
  }
  const Bid& b = in.bids[o.bid];
  o.price = b.price;
  if (!b.commitment.empty() && b.commitment != bid_commitment(in.id, b)) {
    o.status = BidStatus::kTampered;
    o.reason = "the opened bid does not match the commitment published at submission";
  } else if (!in.timeline.bid_deadline.empty() && b.submitted_at > in.timeline.bid_deadline) {
    o.status = BidStatus::kLate;
    o.reason = "submitted after the deadline " + in.timeline.bid_deadline;
  } else if (b.price == 0) {
    o.status = BidStatus::kWithdrawn;
    o.reason = "withdrawn (a zero price means withdrawal)";
  } else if (b.price < 0) {
    o.status = BidStatus::kInvalid;
    o.reason = "negative price";
  } else if (ix.ceiling[p] > 0 && b.price > ix.ceiling[p]) {
    o.status = BidStatus::kInvalid;
    o.reason = "above the ceiling of " + format_price(ix.ceiling[p], in.profile.price_decimals);
  } else if (has_extra_decimals(b.price, in.profile.price_decimals)) {
    o.status = BidStatus::kInvalid;
    o.reason = "more than " + std::to_string(in.profile.price_decimals) + " decimals";
  } else {
    o.status = BidStatus::kEliminated;  // provisional: valid, not (yet) winning
    return true;
  }
  return false;
}

bool passes_guard(const RuleProfile& pf, Price comparable, Price anchor, Price price,
                  Price ceiling) {
  bool ratio_ok = Wide(comparable) * 1000 <= Wide(anchor) * pf.guard_ratio_permille;
  bool floor_ok = pf.guard_floor_price > 0 && comparable <= pf.guard_floor_price;
  switch (pf.guard) {
    case AdmissionGuard::kNone:
      return true;
    case AdmissionGuard::kR7:
      return ratio_ok || floor_ok ||
             (ceiling > 0 && Wide(ceiling - price) * 10'000 >= Wide(pf.guard_min_cut_bp) * ceiling);
    case AdmissionGuard::kR10:
      return ratio_ok || floor_ok;
    case AdmissionGuard::kR11:
      return ratio_ok;
  }
  return true;
}

void reroute_or_fail(const RoundIndex& ix, RoundResult& r, int g, std::vector<BidOutcome>& outs,
                     const std::string& why) {
  Group& grp = r.groups[g];
  bool reroute = ix.in.profile.failed_group_to_negotiation;
  grp.status = reroute ? GroupStatus::kNegotiation : GroupStatus::kFailed;
  grp.note = why + (reroute ? "; re-routed to negotiation" : "; the group failed");
  for (auto& o : outs)
    if (o.status == BidStatus::kEliminated) o.reason = grp.note;
  if (!reroute) return;
  for (auto& o : outs) {
    NegotiationOutcome n;
    n.product = o.product;
    n.group = g;
    n.reason = "re-routed";
    r.negotiations.push_back(std::move(n));
  }
}

void bid_group(const RoundIndex& ix, RoundResult& r, int g) {
  const auto& in = ix.in;
  const auto& pf = in.profile;
  Group& grp = r.groups[g];
  std::vector<BidOutcome> outs;
  std::vector<int> valid;  // indices into outs
  for (int p : grp.products) {
    if (r.inverted[p]) continue;
    BidOutcome o;
    o.product = p;
    o.group = g;
    if (check_bid(ix, p, o)) {
      long double f =
          strength_factor(pf, in.products[p].strength_milli, grp.reference_strength_milli);
      o.comparable = scale(o.price, f, true);
      valid.push_back(static_cast<int>(outs.size()));
    }
    outs.push_back(std::move(o));
  }

  // Rank: comparable price, then larger reported demand, then earliest submission, then id.
  std::sort(valid.begin(), valid.end(), [&](int a, int b) {
    const auto &x = outs[a], &y = outs[b];
    if (x.comparable != y.comparable) return x.comparable < y.comparable;
    if (ix.demand[x.product] != ix.demand[y.product])
      return ix.demand[x.product] > ix.demand[y.product];
    const auto &tx = in.bids[x.bid].submitted_at, &ty = in.bids[y.bid].submitted_at;
    if (tx != ty) return tx < ty;
    return in.products[x.product].id < in.products[y.product].id;
  });
  std::set<std::string> competitors, b_firms;
  std::vector<int> best;  // each competitor's best-ranked bid
  for (std::size_t i = 0; i < valid.size(); ++i) {
    auto& o = outs[valid[i]];
    o.rank = static_cast<int>(i + 1);
    const std::string& c = ix.competitor_of(o.product);
    if (competitors.insert(c).second) {
      best.push_back(valid[i]);
      if (in.enterprises[ix.enterprise_of[o.product]].licence == 'B') b_firms.insert(c);
    } else {
      o.status = BidStatus::kEliminated;
      o.reason = "another product of the same enterprise ranks higher in this group";
    }
  }
  grp.valid_bidders = static_cast<int>(best.size());

  if (grp.valid_bidders < 2) {
    reroute_or_fail(ix, r, g, outs,
                    valid.empty() ? "no valid bid" : "fewer than 2 competing valid bids");
  } else {
    const int k = winner_slots(pf, grp.valid_bidders, static_cast<int>(b_firms.size()));
    grp.slots = k;
    Price lowest = outs[best.front()].comparable;
    grp.anchor = lowest;
    if (pf.guard == AdmissionGuard::kR11) {
      Wide sum = 0;
      for (int i = 0; i < k; ++i) sum += outs[best[i]].comparable;
      Price half_mean =
          static_cast<Price>(round_half_up(sum * pf.anchor_mean_share_bp, Wide(k) * 10'000));
      grp.anchor = std::max(lowest, half_mean);
    }
    std::vector<int> passed, failed_guard;
    for (int i = 0; i < k; ++i) {
      auto& o = outs[best[i]];
      (passes_guard(pf, o.comparable, grp.anchor, o.price, ix.ceiling[o.product]) ? passed
                                                                                  : failed_guard)
          .push_back(best[i]);
    }
    Price revival =
        passed.size() == 1
            ? static_cast<Price>(round_half_up(Wide(grp.anchor) * pf.guard_ratio_permille, 1000))
            : outs[passed.back()].comparable;
    std::vector<int> winners = passed;
    for (int i : passed) outs[i].status = BidStatus::kWon;
    auto revive = [&](int i) {
      auto& o = outs[i];
      o.status = BidStatus::kWon;
      o.revived = true;
      long double f =
          strength_factor(pf, in.products[o.product].strength_milli, grp.reference_strength_milli);
      o.price = std::min(o.price, scale(revival, f, false));
      o.reason = "revived at the revival price";
      winners.push_back(i);
    };
    for (int i : failed_guard) {
      if (pf.revival && ix.revival[outs[i].product] == 1) {
        revive(i);
      } else {
        outs[i].status = BidStatus::kEliminated;
        outs[i].reason = "above the admission guard (" + thousandths_text(pf.guard_ratio_permille) +
                         "x the anchor)";
      }
    }
    if (pf.revival && !failed_guard.empty()) grp.revival_price = revival;
    const std::size_t shortlisted_winners = winners.size();
    if (pf.non_shortlisted_revival) {
      Wide total_demand = 0;
      for (int i : best) total_demand += ix.demand[outs[i].product];
      Price highest = outs[best.back()].comparable;
      for (std::size_t j = static_cast<std::size_t>(k); j < best.size(); ++j) {
        auto& o = outs[best[j]];
        bool demand_ok =
            Wide(ix.demand[o.product]) * static_cast<Wide>(best.size()) >= total_demand;
        if (demand_ok && o.comparable < highest && ix.revival[o.product] == 1) {
          grp.revival_price = revival;
          revive(best[j]);
        }
      }
    }
    for (int i : best)
      if (outs[i].status != BidStatus::kWon) {
        if (outs[i].reason.empty())
          outs[i].reason = "ranked " + std::to_string(outs[i].rank) + ", beyond the " +
                           std::to_string(k) + " winning places";
      }
    grp.winners = static_cast<int>(winners.size());
    grp.status = winners.empty() ? GroupStatus::kFailed : GroupStatus::kAwarded;
    std::stable_sort(winners.begin(), winners.begin() + static_cast<long>(shortlisted_winners),
                     [&](int a, int b) { return outs[a].rank < outs[b].rank; });
    for (std::size_t w = 0; w < winners.size(); ++w) {
      const auto& o = outs[winners[w]];
      Award a;
      a.id = in.ocid() + "-award-" + in.products[o.product].id;
      a.product = o.product;
      a.group = g;
      a.stage = Stage::kBidding;
      a.rank = static_cast<int>(w + 1);
      a.price = o.price;
      a.ref_price = ix.ref_price[o.product];
      a.revived = o.revived;
      a.in_draft = w < shortlisted_winners;
      r.awards.push_back(std::move(a));
    }
  }
  for (auto& o : outs) r.bids.push_back(std::move(o));
}

}  // namespace

void run_bidding(const RoundIndex& ix, RoundResult& r) {
  r.bids.clear();
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    if (r.groups[g].competitive) bid_group(ix, r, static_cast<int>(g));
}

}  // namespace procura

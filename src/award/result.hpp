#pragma once
// What a round decides. Product, group, award, region and institution references are indices
// into RoundInput's vectors (or into this result's groups and awards).
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/percent.hpp"

namespace procura {

enum class Stage { kBidding, kNegotiation };
const char* stage_name(Stage s);

struct Rejection {
  int product = -1;
  std::string code;    // machine-readable reason
  std::string reason;  // published plain-language reason
};

enum class GroupStatus { kAwarded, kFailed, kNegotiation, kHeld };
const char* group_status_name(GroupStatus s);

struct Group {
  std::string id;             // "G001", ordered by key
  std::string key;            // category|basic...|{additional}
  std::vector<int> products;  // eligible products in the group
  int n_firms = 0;            // distinct competitors among non-inverted eligible products
  bool competitive = false;
  GroupStatus status = GroupStatus::kNegotiation;
  std::string note;              // why a competitive group failed or was re-routed
  int valid_bidders = 0;         // N of the bidding stage
  int winners = 0;               // k after guards (awards in the group)
  int slots = 0;                 // f(N) before guards
  Price anchor = 0;              // comparable-price anchor of the admission guard
  Price revival_price = 0;       // comparable price offered for revival; 0 = none
  Units demand = 0;              // reported demand for the group's products and for the group
  std::vector<int> group_lines;  // indices into RoundInput::group_demand
  Units base = 0;                // agreed-volume base (bidding groups)
  int volume_ratio_bp = 0;
  std::int64_t reference_strength_milli = 0;
};

enum class BidStatus { kWon, kEliminated, kInvalid, kWithdrawn, kLate, kTampered, kMissing };
const char* bid_status_name(BidStatus s);

struct BidOutcome {
  int product = -1;
  int group = -1;
  int bid = -1;  // index into RoundInput::bids, -1 when none
  Price price = 0;
  Price comparable = 0;
  BidStatus status = BidStatus::kMissing;
  int rank = 0;  // 1-based rank among valid bids; 0 if not ranked
  bool revived = false;
  std::string reason;
};

struct NegotiationOutcome {
  int product = -1;
  int group = -1;
  Price access_price = 0;  // after clamping to the ceiling; 0 = none set
  bool clamped = false;
  std::vector<Price> offers;  // accepted offers in round order
  bool entered = false;       // submitted at least one offer
  bool success = false;
  int success_round = 0;
  Price award_price = 0;
  Price best_offer = 0;
  std::string reason;
};

struct Award {
  std::string id;  // "<ocid>-award-<product>"
  int product = -1;
  int group = -1;
  Stage stage = Stage::kBidding;
  int rank = 1;
  Price price = 0;      // unit price awarded
  Price ref_price = 0;  // base-period reference price; 0 = none
  Units volume = 0;     // agreed annual volume
  Fraction share;       // share of the group's base (bidding)
  bool revived = false;
  bool in_draft = true;  // takes part in the region draft
  Fraction decrease() const { return one_minus_ratio(price, ref_price); }
};

struct Allocation {
  int award = -1;
  int institution = -1;
  Units units = 0;
};

struct RegionPick {
  int award = -1;
  int region = -1;
  bool spare = false;
  int turn = 0;      // 1-based draft turn
  Units volume = 0;  // region volume (primary picks)
};

struct ContractTerms {
  std::string id;
  int award = -1;
  std::string start;
  std::string end;
  int months = 0;
  Wide value = 0;       // price x volume, 10^-4 units
  Wide prepayment = 0;  // 10^-4 units
  int payment_days = 0;
};

struct StageMetrics {
  int awards = 0;
  int with_reference = 0;
  long double mean_decrease = 0;  // unweighted mean of per-product decreases
  Fraction max_decrease{0, 0};
  Fraction weighted_decrease{0, 0};
  Wide amount_reference = 0;  // sum p_ref * q
  Wide amount_awarded = 0;    // sum p_award * q
};

struct Metrics {
  int declared_enterprises = 0;
  int declared_products = 0;  // every declaration, before qualification
  int eligible_enterprises = 0;
  int eligible_products = 0;
  int rejected_products = 0;
  int groups = 0;
  int competitive_groups = 0;
  int failed_groups = 0;
  int held_groups = 0;  // awards held by a pending complaint
  int bidding_entered = 0;
  int bidding_eliminated = 0;
  int bidding_awards = 0;
  int revived = 0;
  int negotiation_routed = 0;
  int negotiation_entered = 0;
  int negotiation_awards = 0;
  int selected_enterprises = 0;
  int selected_products = 0;
  Fraction negotiation_success_rate{0, 0};
  Fraction enterprise_selection_rate{0, 0};
  Fraction product_selection_rate{0, 0};
  StageMetrics bidding;
  StageMetrics negotiation;
  Fraction total_savings_rate{0, 0};
  Wide annual_amount_before = 0;
  Wide annual_amount_after = 0;
  Wide annual_savings = 0;
  Units agreed_units = 0;
  Units unallocated_units = 0;       // demand base of failed groups
  Units unmatched_group_demand = 0;  // group-level demand naming no group of eligible products
};

struct RoundResult {
  std::vector<bool> eligible;  // by product
  std::vector<bool> inverted;  // by product
  std::vector<int> group_of;   // by product; -1 when not eligible
  std::vector<Rejection> rejections;
  std::vector<Group> groups;
  std::vector<BidOutcome> bids;
  std::vector<NegotiationOutcome> negotiations;
  std::vector<Award> awards;
  std::vector<Allocation> allocations;
  std::vector<RegionPick> region_picks;
  std::vector<ContractTerms> contracts;
  Metrics metrics;
  Units unmatched_group_demand = 0;  // set by grouping, reported in metrics
};

}  // namespace procura

#pragma once
// Rule profiles: a named, versioned configuration of the award algorithm (domain.md §1.2).
// The five built-in profiles are data in builtin_profiles(); a round may name one, or derive a
// user-defined profile from one with overrides.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/money.hpp"

namespace procura {

enum class AdmissionGuard { kNone, kR7, kR10, kR11 };
enum class VolumeSplit { kSingleWinner, kLadder, kRegionDraft };
enum class InversionMode { kOff, kAttributes, kExternalPrice };

struct RuleProfile {
  std::string id;
  std::string version;
  std::string title;
  std::string description;

  // Step 0: qualification.
  bool require_gqce_or_originator = false;
  bool require_valid_registration = true;
  bool require_mainstream = false;
  bool reject_under_negotiation = true;
  bool require_enterprise_attestations = true;
  int mainstream_min_share_bp = 500;   // a product with >= 5 % of its group's base volume
  int mainstream_cum_share_bp = 8000;  // or among those covering the top 80 %

  // Steps 1-2: grouping, inversion and routing.
  InversionMode inversion = InversionMode::kAttributes;
  int competitive_min = 3;  // competitors needed for the bidding stage
  bool exclusive_to_negotiation = true;
  bool failed_group_to_negotiation = false;
  long double spec_coefficient = 0;  // price factor per doubling of strength; 0 = no scaling

  // Step 3: bidding.
  int winners_minus = 2;               // f(N) = N - winners_minus ...
  int winners_single_at_or_below = 3;  // ... and 1 when N is at most this
  int winners_min = 1;
  int winners_max = 10;
  bool b_licence_reduction = false;  // slots shrink by min(2, floor(#B-licence / 2))
  AdmissionGuard guard = AdmissionGuard::kNone;
  int guard_ratio_permille = 1800;  // 1.8 x anchor
  Price guard_floor_price = 0;      // r7/r10: a price at or below this always passes; 0 = none
  int guard_min_cut_bp = 5000;      // r7: a cut of at least 50 % against the ceiling passes
  int anchor_mean_share_bp = 5000;  // r11: anchor = max(lowest, 50 % x shortlisted mean)
  bool revival = false;
  bool non_shortlisted_revival = false;

  // Step 4: negotiation.
  int negotiation_rounds = 3;

  // Step 5: volume.
  std::vector<int> volume_ratio_bp_by_winners = {6000};  // index = winners - 1; last repeats
  VolumeSplit split = VolumeSplit::kLadder;
  bool ladder_remainder_to_last = true;  // false: the remainder is left to hospitals' choice

  // Step 6: contract.
  std::vector<int> term_months_by_winners = {24};  // index = winners - 1; last repeats
  std::string term_until;                          // fixed end date overrides the months
  int prepayment_bp = 0;
  int payment_days = 30;

  int price_decimals = 4;

  // Complaints: a stage (publication, opening, award) may be challenged for this many days after
  // it is published; the office answers within complaint_answer_days of the filing.
  int complaint_days = 10;
  int complaint_answer_days = 7;

  // Opening: the shares of the round's opening key needed to open its bids (of one per keyholder).
  int opening_threshold = 2;

  int volume_ratio_bp(int winners) const;
  int term_months(int winners) const;
};

// The profiles of domain.md §1.2, by id.
const std::vector<RuleProfile>& builtin_profiles();
// A built-in profile by id; throws RuleError naming the known ids.
const RuleProfile& builtin_profile(const std::string& id);

// Profile <-> JSON. from_json accepts {"base": "<builtin id>", ...overrides} or a full profile;
// unknown keys and wrong types raise InputError naming the field (source = file name).
nlohmann::json profile_to_json(const RuleProfile& p);
RuleProfile profile_from_json(const nlohmann::json& j, const std::string& source);

// Plain-language explanation of a profile's rules, one sentence per line.
std::vector<std::string> explain_profile(const RuleProfile& p);

}  // namespace procura

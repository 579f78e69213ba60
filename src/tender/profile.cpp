#include "tender/profile.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/percent.hpp"

namespace procura {

int RuleProfile::volume_ratio_bp(int winners) const {
  if (volume_ratio_bp_by_winners.empty()) return 10'000;
  std::size_t i = static_cast<std::size_t>(std::max(winners, 1) - 1);
  return volume_ratio_bp_by_winners[std::min(i, volume_ratio_bp_by_winners.size() - 1)];
}

int RuleProfile::term_months(int winners) const {
  if (term_months_by_winners.empty()) return 12;
  std::size_t i = static_cast<std::size_t>(std::max(winners, 1) - 1);
  return term_months_by_winners[std::min(i, term_months_by_winners.size() - 1)];
}

namespace {

// Every configurable field, visited by name; the one list drives both JSON directions.
template <class P, class F>
void visit_fields(P& p, F&& f) {
  f("id", p.id);
  f("version", p.version);
  f("title", p.title);
  f("description", p.description);
  f("requireGqceOrOriginator", p.require_gqce_or_originator);
  f("requireValidRegistration", p.require_valid_registration);
  f("requireMainstream", p.require_mainstream);
  f("rejectUnderNegotiation", p.reject_under_negotiation);
  f("requireEnterpriseAttestations", p.require_enterprise_attestations);
  f("mainstreamMinShareBp", p.mainstream_min_share_bp);
  f("mainstreamCumShareBp", p.mainstream_cum_share_bp);
  f("inversion", p.inversion);
  f("competitiveMin", p.competitive_min);
  f("exclusiveToNegotiation", p.exclusive_to_negotiation);
  f("failedGroupToNegotiation", p.failed_group_to_negotiation);
  f("specCoefficient", p.spec_coefficient);
  f("winnersMinus", p.winners_minus);
  f("winnersSingleAtOrBelow", p.winners_single_at_or_below);
  f("winnersMin", p.winners_min);
  f("winnersMax", p.winners_max);
  f("bLicenceReduction", p.b_licence_reduction);
  f("guard", p.guard);
  f("guardRatioPermille", p.guard_ratio_permille);
  f("guardFloorPrice", p.guard_floor_price);
  f("guardMinCutBp", p.guard_min_cut_bp);
  f("anchorMeanShareBp", p.anchor_mean_share_bp);
  f("revival", p.revival);
  f("nonShortlistedRevival", p.non_shortlisted_revival);
  f("negotiationRounds", p.negotiation_rounds);
  f("volumeRatioBpByWinners", p.volume_ratio_bp_by_winners);
  f("split", p.split);
  f("ladderRemainderToLast", p.ladder_remainder_to_last);
  f("termMonthsByWinners", p.term_months_by_winners);
  f("termUntil", p.term_until);
  f("prepaymentBp", p.prepayment_bp);
  f("paymentDays", p.payment_days);
  f("priceDecimals", p.price_decimals);
  f("complaintDays", p.complaint_days);
  f("complaintAnswerDays", p.complaint_answer_days);
  f("openingThreshold", p.opening_threshold);
}

template <class E>
struct EnumNames;
template <>
struct EnumNames<AdmissionGuard> {
  static constexpr std::pair<AdmissionGuard, const char*> v[] = {{AdmissionGuard::kNone, "none"},
                                                                 {AdmissionGuard::kR7, "r7"},
                                                                 {AdmissionGuard::kR10, "r10"},
                                                                 {AdmissionGuard::kR11, "r11"}};
};
template <>
struct EnumNames<VolumeSplit> {
  static constexpr std::pair<VolumeSplit, const char*> v[] = {
      {VolumeSplit::kSingleWinner, "single"},
      {VolumeSplit::kLadder, "ladder"},
      {VolumeSplit::kRegionDraft, "regions"}};
};
template <>
struct EnumNames<InversionMode> {
  static constexpr std::pair<InversionMode, const char*> v[] = {
      {InversionMode::kOff, "off"},
      {InversionMode::kAttributes, "attributes"},
      {InversionMode::kExternalPrice, "externalPrice"}};
};

template <class T>
nlohmann::json encode(const T& v) {
  if constexpr (std::is_enum_v<T>) {
    for (auto [e, name] : EnumNames<T>::v)
      if (e == v) return name;
    return nullptr;
  } else if constexpr (std::is_same_v<T, long double>) {
    return static_cast<double>(v);
  } else if constexpr (std::is_same_v<T, Price>) {
    return format_price(v);
  } else {
    return v;
  }
}

template <class T>
void decode(const nlohmann::json& j, T& out, const std::string& src, const std::string& key) {
  auto fail = [&](const std::string& what) { throw InputError(src, 0, key, what); };
  if constexpr (std::is_enum_v<T>) {
    std::string names;
    if (j.is_string())
      for (auto [e, name] : EnumNames<T>::v)
        if (j.get<std::string>() == name) {
          out = e;
          return;
        }
    for (auto [e, name] : EnumNames<T>::v) names += std::string(names.empty() ? "" : ", ") + name;
    fail("expected one of " + names + ", got " + j.dump());
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) fail("expected true or false, got " + j.dump());
    out = j.get<bool>();
  } else if constexpr (std::is_same_v<T, int>) {
    if (!j.is_number_integer()) fail("expected an integer, got " + j.dump());
    out = j.get<int>();
  } else if constexpr (std::is_same_v<T, Price>) {
    auto p = j.is_string() ? parse_price(j.get<std::string>()) : std::nullopt;
    if (!p) fail("expected a decimal price as a string such as \"0.10\", got " + j.dump());
    out = *p;
  } else if constexpr (std::is_same_v<T, long double>) {
    if (!j.is_number()) fail("expected a number, got " + j.dump());
    out = j.get<double>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) fail("expected a string, got " + j.dump());
    out = j.get<std::string>();
  } else {
    if (!j.is_array() || j.empty()) fail("expected a non-empty array of integers, got " + j.dump());
    out.clear();
    for (const auto& x : j) {
      if (!x.is_number_integer()) fail("expected integers, got " + x.dump());
      out.push_back(x.get<int>());
    }
  }
}

std::vector<RuleProfile> make_builtins() {
  std::vector<RuleProfile> v;
  RuleProfile p;  // cn-drug-4p7: 4+7 pilot
  p.id = "cn-drug-4p7";
  p.version = "2018.1";
  p.title = "National drug VBP, 4+7 pilot (2018)";
  p.description =
      "GQCE or originator; >=3 qualified firms bid, else negotiate; lowest wins; 60 % of use; 1 "
      "year; >=30 % prepayment.";
  p.require_gqce_or_originator = true;
  p.winners_max = 1;
  p.winners_minus = 0;
  p.winners_single_at_or_below = 1000;
  p.volume_ratio_bp_by_winners = {6000};
  p.split = VolumeSplit::kSingleWinner;
  p.term_months_by_winners = {12};
  p.prepayment_bp = 3000;
  p.spec_coefficient = 1.7L;
  p.inversion = InversionMode::kOff;
  v.push_back(p);

  p = RuleProfile{};  // cn-drug-r7
  p.id = "cn-drug-r7";
  p.version = "2022.1";
  p.title = "National drug VBP, round 7 (2022)";
  p.description =
      "Up to 10 winners (N-2); win if <=1.8x lowest, <=0.10, or >=50 % below the ceiling; "
      "50/60/70/80 % by winners; regions drafted in rank order.";
  p.require_gqce_or_originator = true;
  p.winners_minus = 2;
  p.winners_single_at_or_below = 2;
  p.guard = AdmissionGuard::kR7;
  p.guard_floor_price = 1000;  // 0.10
  p.volume_ratio_bp_by_winners = {5000, 6000, 7000, 8000};
  p.split = VolumeSplit::kRegionDraft;
  p.term_months_by_winners = {12, 12, 24, 36};
  p.spec_coefficient = 1.7L;
  p.inversion = InversionMode::kOff;
  v.push_back(p);

  p.id = "cn-drug-r10";  // derived from r7
  p.version = "2024.1";
  p.title = "National drug VBP, round 10 (2024)";
  p.description =
      "N-3 winners (max 10) less the B-licence reduction; win if <=1.8x lowest; revival at the "
      "highest rule-1 price; 2-year contracts.";
  p.winners_minus = 3;
  p.winners_single_at_or_below = 3;
  p.b_licence_reduction = true;
  p.guard = AdmissionGuard::kR10;
  p.revival = true;
  p.term_months_by_winners = {24};
  v.push_back(p);

  p.id = "cn-drug-r11";  // derived from r10
  p.version = "2025.1";
  p.title = "National drug VBP, round 11 (2025)";
  p.description =
      "Anchor = max(lowest, 50 % of the shortlisted mean); circuit-breaker at 1.8x anchor; "
      "shortlisted and non-shortlisted revival; 80 % volume (less for <=3 winners); contracts to "
      "2028-12-31.";
  p.guard = AdmissionGuard::kR11;
  p.guard_floor_price = 0;
  p.non_shortlisted_revival = true;
  p.volume_ratio_bp_by_winners = {5000, 6000, 7000, 8000};
  p.term_until = "2028-12-31";
  v.push_back(p);

  p = RuleProfile{};  // alliance-3n-iol-2020
  p.id = "alliance-3n-iol-2020";
  p.version = "2020.1";
  p.title = "3+N alliance, intraocular lenses (LH-HD2020-1, 2020)";
  p.description =
      "Registration + mainstream list; competitive groups (>=3 firms) bid, exclusive, "
      "uncompetitive and price-inverted products negotiate against an expert access price; N-2 "
      "winners; 60 % of reported demand; share ladder 100 / 60-40 / 60 %-of-rest / 50 %-of-rest.";
  p.require_mainstream = true;
  p.inversion = InversionMode::kAttributes;
  p.volume_ratio_bp_by_winners = {6000};
  p.split = VolumeSplit::kLadder;
  p.term_months_by_winners = {24};
  p.price_decimals = 2;
  v.push_back(p);
  return v;
}

}  // namespace

const std::vector<RuleProfile>& builtin_profiles() {
  static const std::vector<RuleProfile> profiles = make_builtins();
  return profiles;
}

const RuleProfile& builtin_profile(const std::string& id) {
  for (const auto& p : builtin_profiles())
    if (p.id == id) return p;
  std::string known;
  for (const auto& p : builtin_profiles()) known += (known.empty() ? "" : ", ") + p.id;
  throw RuleError("unknown rule profile '" + id + "'; known profiles: " + known);
}

nlohmann::json profile_to_json(const RuleProfile& p) {
  nlohmann::json j = nlohmann::json::object();
  visit_fields(p, [&](const char* k, const auto& v) { j[k] = encode(v); });
  return j;
}

RuleProfile profile_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(source, 0, "profile", "expected an object");
  RuleProfile p;
  if (j.contains("base")) {
    if (!j["base"].is_string())
      throw InputError(source, 0, "profile.base", "expected the id of a built-in profile");
    try {
      p = builtin_profile(j["base"].get<std::string>());
    } catch (const RuleError& e) {
      throw InputError(source, 0, "profile.base", e.what());
    }
  }
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    const auto& value = item.value();
    if (key == "base") continue;
    bool known = false;
    visit_fields(p, [&](const char* k, auto& member) {
      if (key != k) return;
      known = true;
      decode(value, member, source, "profile." + key);
    });
    if (!known) throw InputError(source, 0, "profile." + key, "unknown profile setting");
  }
  if (p.id.empty()) throw InputError(source, 0, "profile.id", "a profile needs an id");
  if (p.winners_min < 1 || p.winners_max < p.winners_min)
    throw InputError(source, 0, "profile.winnersMax", "expected 1 <= winnersMin <= winnersMax");
  if (p.competitive_min < 1)
    throw InputError(source, 0, "profile.competitiveMin", "expected at least 1");
  if (p.negotiation_rounds < 1)
    throw InputError(source, 0, "profile.negotiationRounds", "expected at least 1");
  if (p.price_decimals < 0 || p.price_decimals > 4)
    throw InputError(source, 0, "profile.priceDecimals", "expected 0 to 4");
  if (p.complaint_days < 0 || p.complaint_days > 365)
    throw InputError(source, 0, "profile.complaintDays", "expected 0 to 365 days");
  if (p.complaint_answer_days < 1 || p.complaint_answer_days > 365)
    throw InputError(source, 0, "profile.complaintAnswerDays", "expected 1 to 365 days");
  if (p.opening_threshold < 2 || p.opening_threshold > 255)
    throw InputError(source, 0, "profile.openingThreshold",
                     "expected 2 to 255 keyholders' shares to open the bids");
  for (int bp : p.volume_ratio_bp_by_winners)
    if (bp <= 0 || bp > 10'000)
      throw InputError(source, 0, "profile.volumeRatioBpByWinners",
                       "expected 1..10000 basis points");
  return p;
}

std::vector<std::string> explain_profile(const RuleProfile& p) {
  std::vector<std::string> s;
  auto pct = [](int bp) { return fmt::format("{}%", bp / 100.0); };
  if (p.require_gqce_or_originator)
    s.push_back(
        "Only originators and generics that passed the consistency evaluation may take part.");
  if (p.require_mainstream)
    s.push_back(
        "Only products on the mainstream list (large enough share of past purchases) may take "
        "part.");
  s.push_back(
      fmt::format("A group with at least {} competing firms goes to competitive bidding; others "
                  "are negotiated.",
                  p.competitive_min));
  if (p.winners_max == 1)
    s.push_back("The lowest valid bid in each group wins.");
  else
    s.push_back(fmt::format("With N bidders, N-{} win (1 when N is {} or fewer), at most {}.",
                            p.winners_minus, p.winners_single_at_or_below, p.winners_max));
  if (p.guard != AdmissionGuard::kNone)
    s.push_back(fmt::format("A winner's price may be at most {}x the anchor price.",
                            thousandths_text(p.guard_ratio_permille)));
  if (p.revival)
    s.push_back(
        "A shortlisted firm that fails the price guard may still win by accepting the highest "
        "winning price.");
  std::string ratios;
  for (std::size_t i = 0; i < p.volume_ratio_bp_by_winners.size(); ++i)
    ratios += (i ? " / " : "") + pct(p.volume_ratio_bp_by_winners[i]);
  s.push_back("The agreed volume is " + ratios + " of reported demand" +
              (p.volume_ratio_bp_by_winners.size() > 1 ? " (by number of winners)." : "."));
  if (p.split == VolumeSplit::kLadder)
    s.push_back(
        "The cheapest winner gets the largest share: 100 %; 60/40 %; 60 % then 60 % of the rest; "
        "or 50 % then 50 % of the rest.");
  if (p.split == VolumeSplit::kRegionDraft)
    s.push_back("Winners choose supply regions in rank order, one per turn, then a spare region.");
  if (!p.term_until.empty())
    s.push_back("Contracts run until " + p.term_until + ".");
  else
    s.push_back(fmt::format("Contracts run {} months.", p.term_months(1)));
  if (p.prepayment_bp > 0)
    s.push_back("The insurance fund prepays at least " + pct(p.prepayment_bp) + ".");
  s.push_back(fmt::format(
      "Enterprises and observers may complain about a stage within {} days of its publication; "
      "the alliance office answers within {} days.",
      p.complaint_days, p.complaint_answer_days));
  s.push_back(fmt::format(
      "The bids are opened when {} of the round's keyholders (the office, its observers, the "
      "auditors) hand back their shares of its opening key, after the opening time.",
      p.opening_threshold));
  return s;
}

}  // namespace procura

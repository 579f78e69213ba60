#pragma once
// Red-flag indicators on compiled OCDS releases, with the indicator set, settings and output
// format of the Open Contracting Partnership's Cardinal. Each indicator is one small file in
// indicators/ behind the Indicator interface, registered in registry.cpp.
#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "integrity/node.hpp"

namespace procura::integrity {

using Json = nlohmann::json;

// Settings in Cardinal's INI layout: global keys ("" section) and one section per indicator
// ("R024") or sub-section ("R003.procurement_method_details"). Only enabled indicators (those
// with a section) run.
// An international or national reference unit price (e.g. a supplier median), for P002.
struct ReferencePrice {
  std::string scheme, id, unit;  // item classification and unit of the price
  double price = 0;
  std::string currency;
  long sources = 0;  // number of sources behind the reference
};

struct FlagSettings {
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::vector<ReferencePrice> reference_prices;  // loaded from [P002] reference_prices
  bool enabled(const std::string& code) const { return sections.count(code) > 0; }
  // The value of `key` in `section`, or `fallback`.
  std::string get(const std::string& section, const std::string& key,
                  const std::string& fallback = "") const;
  // A pipe-separated list ("open|selective").
  std::set<std::string> list(const std::string& section, const std::string& key) const;
  double number(const std::string& section, const std::string& key, double fallback) const;
};

// State keyed by an identifier where the order of keys does not matter (finalize sorts or
// writes into ordered results); looked up by string_view without a copy.
struct IdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
struct IdEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
template <class T>
using ById = absl::flat_hash_map<std::string, T, IdHash, IdEq>;

// What an indicator compared against: the size of its comparison set, and the fewest it needs
// before anything can stand out of it. For outlier fences the set is the values the quartiles are
// computed from and the minimum the run's `minimum_comparison_set` (0, as Cardinal, unless set);
// for indicators with a minimum of their own the set is the largest one any product (P001: the
// processes that priced it, at least minimum_observations + 1), buyer (P003) or category (P004)
// reached; P002's is the products priced against a usable reference (at least one).
struct ComparisonSet {
  long size = 0;
  long minimum = 0;
  bool too_small() const { return size < minimum; }
};

// Results by group ("OCID", "Buyer", "ProcuringEntity", "Tenderer", "Category", and "Lot" keyed
// "ocid/lot id" for the health indicators), then identifier, then code.
struct FlagResults {
  std::map<std::string, ById<std::map<std::string, double>>> groups;  // ordered by to_json
  std::map<std::string, std::map<std::string, double>> meta;          // code -> q1/q3/fences
  // code -> part ("" or the group an indicator compares within, e.g. "Buyer") -> its set.
  std::map<std::string, std::map<std::string, ComparisonSet>> sets;
  void set(const char* group, std::string_view id, const char* code, double value) {
    auto& ids = groups[group];
    auto it = ids.find(id);
    if (it == ids.end()) it = ids.emplace(std::string(id), std::map<std::string, double>()).first;
    it->second[code] = value;
  }
  // Cardinal's JSON output; `with_meta` adds the "Meta" key (values rounded to 4 decimals).
  Json to_json(bool with_meta) const;
  // Adds the results of indicators that ran elsewhere (another part of the same run).
  void merge(FlagResults&& other);
};

// The distinct identifiers seen in one release (views into its document).
class IdSet {
 public:
  bool insert(std::string_view id) {
    if (contains(id)) return false;
    ids_.push_back(id);
    return true;
  }
  bool contains(std::string_view id) const {
    return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
  }
  std::size_t size() const { return ids_.size(); }
  bool empty() const { return ids_.empty(); }
  auto begin() const { return ids_.begin(); }
  auto end() const { return ids_.end(); }
  friend bool operator==(IdSet a, IdSet b) {
    std::sort(a.ids_.begin(), a.ids_.end());
    std::sort(b.ids_.begin(), b.ids_.end());
    return a.ids_ == b.ids_;
  }

 private:
  std::vector<std::string_view> ids_;
};

// What several indicators compute from the same process, once.
struct SharedState {
  // The main currency: the setting, else the first observed in the input (a release's bid
  // values, then award values, then awarded items' unit values).
  std::string currency;
  // Whether the current process compares prices (price_comparison_procurement_methods /
  // no_price_comparison_procurement_methods); price-based indicators skip it otherwise.
  bool compares_prices = true;
  // The current release's submitted bids (see submitted_bids), and whether its awards are
  // complete (see complete_awards_and_bids) with the active ones and the bid details.
  std::vector<Node> submitted;
  bool complete = false;
  std::vector<Node> active_awards;
  Node bid_details;
  // The percentage difference between the winning bid and the lowest other valid bid.
  ById<double> second_lowest_ratio;                             // by ocid
  ById<std::pair<std::string, std::string>> winner_and_second;  // by ocid
  // The fewest values outlier fences are computed from (the `minimum_comparison_set` setting);
  // fewer leave the fence undefined and nothing flagged.
  long minimum_set = 0;
  bool currency_ok(const std::string& c) {
    if (currency.empty()) currency = c;
    return c == currency;
  }
};

class Indicator {
 public:
  virtual ~Indicator() = default;
  virtual const char* code() const = 0;
  // Looks at one compiled release (already past the global exclusions).
  virtual void fold(const Node& release, const std::string& ocid, SharedState& shared,
                    FlagResults& out) = 0;
  // Runs after every release was folded (outlier statistics).
  virtual void finalize(SharedState&, FlagResults&) {}
};

// The indicators enabled by `settings`, in a fixed order.
std::vector<std::unique_ptr<Indicator>> make_indicators(const FlagSettings& settings);

// Runs the enabled indicators over compiled releases. A run can be split into `parts` runners
// that each fold every release into their share of the indicators (on separate threads); their
// merged results equal one runner's.
class FlagRunner {
 public:
  explicit FlagRunner(const FlagSettings& settings, unsigned part = 0, unsigned parts = 1);
  // Folds one compiled release into every enabled indicator. Anything but an object with a
  // string "ocid" is passed over.
  void add(const Node& release);
  // The same for a release held as nlohmann JSON (parsed again with simdjson).
  void add(const Json& release);
  FlagResults finish();

 private:
  FlagSettings settings_;
  std::vector<std::unique_ptr<Indicator>> indicators_;
  SharedState shared_;
  FlagResults results_;
  std::set<std::string> exclude_details_;
  std::set<std::string> no_price_comparison_, price_comparison_;
  bool ratios_ = false;
  bool currencies_ = false;       // whether any enabled indicator compares amounts
  simdjson::dom::parser parser_;  // for add(const Json&)
};

// Helpers shared by indicators (defined in flags.cpp).
// Bids whose status is pending, valid or disqualified.
std::vector<Node> submitted_bids(const Node& release);
// The active awards and the bid details, if every award is final (active, cancelled or
// unsuccessful) and the release has bid details.
bool complete_awards_and_bids(const Node& release, std::vector<Node>& awards, Node& details);
// A string member of an object, or "" when absent or not a string.
std::string str(const Node& object, const char* key);
// The same without a copy (valid while the release's document lives).
inline std::string_view sv(const Node& object, const char* key) {
  return object[key].string_view();
}
// Quantiles by the R-8 (median-unbiased) estimator, as Cardinal's statistics library computes them.
double quantile(std::vector<double> values, double tau);
// The outlier fence used by Cardinal's indicators: Q1 - 1.5 IQR (kLower) or Q3 + 1.5 IQR
// (kUpper) of `values`, or `threshold` when it is set (not NaN). Records q1 and q3 (when
// computed) and the fence ("lower_fence"/"upper_fence") in `meta`, each name after `prefix`.
// `fence` is NaN when there are no values and no threshold; `q1` is 1.0 with a threshold.
enum class FenceSide { kLower, kUpper };
struct Fence {
  double fence;
  double q1;
};
Fence outlier_fence(const std::vector<double>& values, double threshold, FenceSide side,
                    std::map<std::string, double>& meta, const std::string& prefix = "");
// outlier_fence as an indicator of a run uses it: records the comparison set of `code` (and
// `part`, the group compared within, "" for one set) in `out.sets`, and with fewer values than
// `shared.minimum_set` (and no threshold) gives a NaN fence and records no quartiles.
Fence outlier_fence(const std::vector<double>& values, double threshold, FenceSide side,
                    const SharedState& shared, FlagResults& out, const char* code,
                    const std::string& part = "");
// Seconds since the epoch of an RFC 3339 date-time; false when malformed.
bool parse_datetime(const std::string& text, long long& seconds);

}  // namespace procura::integrity

#pragma once
// Data-quality preparation of compiled releases before red flags, with the settings of Cardinal's
// `prepare` command: defaults for missing values, redactions of placeholder amounts and
// organization ids, corrections, modifications (move auctions to bids, prefix ids, split
// procurement method details) and codelist replacements.
#include <nlohmann/json.hpp>

#include "integrity/flags.hpp"

namespace procura::integrity {

using OrderedJson = nlohmann::ordered_json;

class Preparer {
 public:
  explicit Preparer(const FlagSettings& settings);
  // Prepares one release in place (key order kept; new keys appended).
  void prepare(OrderedJson& release) const;

 private:
  const FlagSettings& s_;
  std::vector<double> redact_amounts_;
  std::set<std::string> redact_ids_;
};

}  // namespace procura::integrity

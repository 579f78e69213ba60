#pragma once
// Data-quality preparation of compiled releases before red flags, with the settings of Cardinal's
// `prepare` command: defaults for missing values, redactions of placeholder amounts and
// organization ids, corrections, modifications (move auctions to bids, prefix ids, split
// procurement method details) and codelist replacements.
#include <nlohmann/json.hpp>

#include "integrity/flags.hpp"

namespace procura::integrity {

using OrderedJson = nlohmann::ordered_json;

// A quality issue left after preparation, as Cardinal reports it: a field the indicators need
// that is not set (and has no default), or a code outside its codelist (after replacements).
struct PrepareIssue {
  std::string path;         // "/bids/details[]/status"
  std::string indexes;      // array indexes along the path, joined by "." ("0", "1.2")
  std::string value;        // the incorrect value; "" when not set
  std::string description;  // "not set" or "invalid"
};

class Preparer {
 public:
  explicit Preparer(const FlagSettings& settings);
  // Prepares one release in place (key order kept; new keys appended), adding the quality issues
  // that remain to `issues` when given.
  void prepare(OrderedJson& release, std::vector<PrepareIssue>* issues = nullptr) const;

 private:
  const FlagSettings& s_;
  std::vector<double> redact_amounts_;
  std::set<std::string> redact_ids_;
};

}  // namespace procura::integrity

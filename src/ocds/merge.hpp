#pragma once
// OCDS 1.1 merging: compiled and versioned releases from the releases of one contracting
// process, following the merge properties of a release schema (omitWhenMerged,
// wholeListMerge, versionId), the way the reference implementation does.
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace procura::ocds {

using Json = nlohmann::ordered_json;

// Merge rules read from a release schema, by property path ("tender/items").
class MergeRules {
 public:
  enum Rule : unsigned {
    kOmit = 1,
    kWholeList = 2,
    kVersionId = 4,
    kAppend = 8,
    kMergeByPosition = 16
  };
  // Reads the rules of a release schema (references "#/definitions/..." are followed).
  static MergeRules from_schema(const Json& schema);
  // How the items of the array at `path` merge instead of by "id": kAppend (every item is a new
  // one) or kMergeByPosition (items merge with the item at the same position).
  void set_duplicate_rule(const std::string& path, Rule rule);
  unsigned at(const std::string& path) const {
    auto it = rules_.find(path);
    return it == rules_.end() ? 0 : it->second;
  }

 private:
  std::unordered_map<std::string, unsigned> rules_;
};

// The compiled release of `releases` (all of one OCID): tag ["compiled"], id "<ocid>-<date>".
// Releases are taken in date order (stable for equal dates). Throws std::invalid_argument when
// a release is not an object or lacks a string "date", or when a field holds an object or an
// array in one release and another type in another (the message names the field).
Json compile_releases(const std::vector<Json>& releases, const MergeRules& rules);

// The versioned release of `releases`: every value becomes a list of its versions. Throws as
// compile_releases does.
Json version_releases(const std::vector<Json>& releases, const MergeRules& rules);

}  // namespace procura::ocds

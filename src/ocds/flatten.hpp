#pragma once
// Flat tables from OCDS releases, the way flatten-tool lays them out: one "main" table with a
// row per release; one table per array of objects (named by its path without indexes, joined by
// "_": "tender_items", "awards_items", "bids_details") with a row per element, carrying the
// release's "ocid" and "id" and the ids of the array elements above it ("awards/0/id"). Columns
// are JSON paths joined by "/" with "/0/" for array levels; arrays of strings (or numbers) join
// with ";". Columns are in order of first appearance.
#include <functional>
#include <string>
#include <vector>

#include "ocds/merge.hpp"

namespace procura::ocds {

struct FlatCell {
  std::string column;  // "tender/value/amount", "awards/0/items/0/quantity"
  std::string text;    // the value as text ("" for null)
  bool number = false;
};

struct FlatRow {
  std::string table;  // "main", "awards", "awards_items", ...
  std::vector<FlatCell> cells;
};

// Calls `row` for the release's main row, then for each element of each array of objects
// (parents before children, in document order).
void flatten_release(const Json& release, const std::function<void(FlatRow&&)>& row);

// Rebuilds releases from flat tables: `main` rows keyed by (ocid, id), child rows merged into
// their release at their column paths; element positions come from their order within the
// same parent. Text is typed with the release schema's types (number, integer, boolean, arrays
// of strings split on ";"); a value the schema does not know stays text.
class Unflattener {
 public:
  explicit Unflattener(const Json& release_schema) : schema_(release_schema) {}
  // Adds one row of `table` with its header. Throws RuleError for a row whose release is not in
  // "main" or whose value cannot be typed (the message names the column).
  void add(const std::string& table, const std::vector<std::string>& header,
           const std::vector<std::string>& values);
  // The releases, in the order of the main table.
  std::vector<Json> releases() const;

 private:
  const Json* schema_at(const std::vector<std::string>& path) const;
  Json typed(const std::vector<std::string>& path, const std::string& text) const;
  const Json& schema_;
  std::vector<Json> releases_;
  std::map<std::pair<std::string, std::string>, std::size_t> index_;  // (ocid, id) -> release
};

}  // namespace procura::ocds

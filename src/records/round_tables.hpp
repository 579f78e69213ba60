#pragma once
// Rows posted to a round's tables, checked before anything is stored: each row's fields by its
// kind's codec, keys repeated within the post, references to the round's other tables (a demand
// line names a known institution and product), and the round's own rules (as many basic
// attribute values as the round names attributes; ceilings and offers within the profile's price
// decimals; offers within its negotiation rounds). The same checks serve the API, the portal's
// uploads and the import of a round folder.
#include <string>
#include <vector>

#include "records/round_repository.hpp"

namespace procura {

// The most rows one post (an API call, a portal upload) may carry.
inline constexpr std::size_t kMostPostedRows = 10000;

// A posted row that is refused: its index in the post, the field, and why ("row 3: ...").
struct RowError : FieldError {
  std::size_t row;
  std::string detail;  // why, without the row
  RowError(std::size_t r, std::string f, const std::string& why)
      : FieldError(std::move(f), "row " + std::to_string(r) + ": " + why), row(r), detail(why) {}
};

struct CheckedRow {
  std::string key;      // the row's key within its table ("H1/P1")
  nlohmann::json data;  // the decoded row
};

// Checks `rows` (decoded or not) for `kind` in the round `round_id`. Throws RowError.
std::vector<CheckedRow> check_rows(const RecordKind& kind, const std::vector<nlohmann::json>& rows,
                                   const RoundInput& rules, RoundRepository& repository,
                                   const std::string& round_id);

}  // namespace procura

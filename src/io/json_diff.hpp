#pragma once
// Where two JSON documents differ, named as a reader would name the items: an array of objects
// that each carry a distinct identifying field ("id", "ocid", "product", "group", ...) is
// compared item by item under that field (`groups[G003].winners[P12].price`), any other array by
// position (`metrics.rows[2]`). Pure; may be called from any thread.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace procura {

struct JsonDifference {
  std::string path;                   // "results.groups[G003].winners[P12].price"
  std::string published, recomputed;  // the values as compact JSON; "" where one side has none
};

// The differences between `published` and `recomputed` under `path`, in document order, at
// most `most` of them (the count of all is in `total`). Numbers compare by value (1 = 1.0).
std::vector<JsonDifference> json_differences(const nlohmann::json& published,
                                             const nlohmann::json& recomputed,
                                             const std::string& path, std::size_t most,
                                             std::size_t& total);

}  // namespace procura

#pragma once
// Reads OCDS data whatever its container — release package, record package, a JSON array, a
// single release or record, or JSON lines of any of these — and hands out the releases one by
// one. JSON lines stream; a single JSON document is read whole.
#include <functional>
#include <istream>
#include <string>

#include "ocds/merge.hpp"

namespace procura {

struct OcdsReadStats {
  long items = 0;    // releases handed out
  long skipped = 0;  // malformed lines or items skipped with --skip-invalid
  long linked = 0;   // linked releases in records (url only), which cannot be merged
};

// Calls `release` for every release in `in` (named `name` in errors). A malformed line or item
// throws InputError with its line number, unless `skip_invalid`, which counts it and goes on.
// `on_bytes` (optional) sees the number of bytes read so far. With `require_date`, a release
// without a string "date" is bad input (merging needs dates; compiled releases need none).
OcdsReadStats read_ocds_releases(std::istream& in, const std::string& name, bool skip_invalid,
                                 const std::function<void(ocds::Json&&, long line)>& release,
                                 const std::function<void(std::size_t)>& on_bytes = {},
                                 bool require_date = true);

// Calls `item` for every top-level JSON value in `in`: each line of JSON lines, or the single
// document. Malformed lines throw InputError with their number unless `skip_invalid` (counted).
OcdsReadStats read_json_items(std::istream& in, const std::string& name, bool skip_invalid,
                              const std::function<void(ocds::Json&&, long line)>& item,
                              const std::function<void(std::size_t)>& on_bytes = {});

}  // namespace procura

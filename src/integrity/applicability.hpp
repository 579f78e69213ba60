#pragma once
// Whether a red-flag indicator can be computed for a contracting process at all: the fields it
// reads are published (Cardinal's indicator documentation lists them). A process without them is
// neither flagged nor cleared; the portal reports "computable for N of M processes".
#include <nlohmann/json.hpp>
#include <string>

namespace procura::integrity {

// `compiled` is a compiled release. Unknown codes are never computable.
bool computable(const std::string& code, const nlohmann::json& compiled);

}  // namespace procura::integrity

#pragma once
// JSON written canonically (RFC 8785, the JSON Canonicalization Scheme): object members sorted,
// no whitespace, strings with the fewest escapes, numbers as ECMAScript writes them (1, 0.5,
// 1e+21). The platform stores its records in this form and hashes them in it, so that anyone who
// reads a record with any JSON tool and writes it back canonically gets the same bytes, and the
// same hash. Pure; safe from any thread.
#include <nlohmann/json.hpp>
#include <string>

namespace procura {

// The canonical text of `j` (member names compared byte by byte, which is RFC 8785's order for
// names without characters beyond U+FFFF). Bytes that are not UTF-8 are replaced (U+FFFD).
std::string canonical_json(const nlohmann::json& j);

// A finite double as ECMAScript's Number.prototype.toString writes it.
std::string es_number(double v);

}  // namespace procura

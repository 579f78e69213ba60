#pragma once
// The server's edge: what arrives over HTTP becomes an ApiRequest, or a clear refusal, before
// anything below sees it, and every answer leaves with the headers every answer carries. Nothing
// here throws past admit()/serve_request(): a request that cannot be read gets a 4xx JSON error
// and the server goes on. Knows no HTTP library (http_server.cpp feeds it).
// Thread safety: the free functions are pure; one BodyLimit per connection.
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/api.hpp"
#include "server/body_limit.hpp"

namespace procura {

// A request as it came off the wire, parsed only into its parts.
struct RawRequest {
  std::string method;
  std::string target;  // the request target: path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peer;  // the client's address
};

using RequestHandler = std::function<ApiResponse(const ApiRequest&)>;

// A query string parsed strictly: '&'-separated key=value pairs of RFC 3986 query characters,
// percent escapes well formed, the decoded text valid UTF-8 without control characters, each
// key once. '+' is a space. nullopt with `why` for anything else.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query,
                                                              std::string& why);

// The ApiRequest of `raw` (its body moved into it), or the answer refusing it: 400 for a
// malformed target, query or header, 413 for a body over kMaxBody.
std::optional<ApiRequest> admit(RawRequest&& raw, ApiResponse& refusal);

// Adds the headers every answer carries (nosniff, a referrer policy; for pages, the framing and
// content security policies) and drops any header whose name or value holds CR, LF or NUL
// (logged).
void finish(ApiResponse& response);

// admit, `handle`, finish: never throws.
ApiResponse serve_request(RawRequest&& raw, const RequestHandler& handle);

}  // namespace procura

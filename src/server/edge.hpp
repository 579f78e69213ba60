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

inline constexpr std::size_t kMaxBody = 1 << 20;  // larger bodies get 413

// The header the connection's BodyLimit adds to a request whose body it dropped for being over
// the limit (the value is the announced length).
inline constexpr const char* kRefusedBodyHeader = "procura-refused-body";

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

// On one connection's incoming bytes, before the HTTP library parses them: a request announcing
// a body over the limit (Content-Length) reaches the parser without it and with the
// kRefusedBodyHeader header instead, and its body is dropped as it arrives, never held; so the
// server answers 413 rather than resetting the connection. Everything else passes unchanged.
// Requests with a chunked body are passed on as they are, and so is the rest of that connection.
class BodyLimit {
 public:
  explicit BodyLimit(std::size_t limit = kMaxBody) : limit_(limit) {}
  // The bytes to give the parser for `in` (possibly fewer, more, or none).
  std::string feed(std::string_view in);

 private:
  enum class State { kHead, kBody, kDrop, kThrough };
  std::string head_;
  State state_ = State::kHead;
  unsigned long long left_ = 0;  // body bytes still to pass or drop
  std::size_t limit_;
};

}  // namespace procura

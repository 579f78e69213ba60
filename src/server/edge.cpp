#include "server/edge.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "records/codec.hpp"
#include "server/path_pattern.hpp"

namespace procura {

namespace {

bool is_hex_digit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// RFC 3986 pchar without '%' (checked apart), plus '/' and '?' in a query.
bool is_query_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("-._~!$&'()*+,;=:@/?").find(c) != std::string_view::npos;
}

bool is_path_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("-._~!$&'()*+,;=:@/").find(c) != std::string_view::npos;
}

// Whether every '%' of `s` starts an escape of two hex digits.
bool escapes_well_formed(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '%' && (i + 2 >= s.size() || !is_hex_digit(s[i + 1]) || !is_hex_digit(s[i + 2])))
      return false;
  return true;
}

// Whether `a` is `lower_b` (lower case) whatever the case of `a`.
bool same_name(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower_b[i]) return false;
  return true;
}

ApiResponse refuse(int status, const char* code, const std::string& message) {
  ApiResponse r;
  r.status = status;
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

bool clean_header_text(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == 0; });
}

}  // namespace

std::optional<std::map<std::string, std::string>> parse_query(std::string_view query,
                                                              std::string& why) {
  std::map<std::string, std::string> out;
  if (query.empty()) return out;
  if (query.size() > 8192) {
    why = "the query string is longer than 8192 bytes";
    return std::nullopt;
  }
  for (char c : query)
    if (c != '%' && !is_query_char(c)) {
      why = c >= 0x21 && c < 0x7f
                ? std::string("the query string holds '") + c + "', which must be percent-encoded"
                : "the query string holds a byte that must be percent-encoded";
      return std::nullopt;
    }
  if (!escapes_well_formed(query)) {
    why = "the query string holds a '%' that is not followed by two hex digits";
    return std::nullopt;
  }
  std::size_t at = 0;
  while (at <= query.size()) {
    auto end = query.find('&', at);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(at, end - at);
    at = end + 1;
    if (pair.empty()) {
      if (end == query.size()) break;
      continue;
    }
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      why = "expected key=value pairs separated by '&'";
      return std::nullopt;
    }
    std::string key = percent_decoded(pair.substr(0, eq), true),
                value = percent_decoded(pair.substr(eq + 1), true);
    if (!is_clean_text(key, false) || !is_clean_text(value, false)) {
      why = "the query string decodes to bytes that are not UTF-8 text";
      return std::nullopt;
    }
    if (!out.emplace(std::move(key), std::move(value)).second) {
      why = "a query parameter is given twice";
      return std::nullopt;
    }
  }
  return out;
}

std::optional<ApiRequest> admit(RawRequest&& raw, ApiResponse& refusal) {
  static const std::vector<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "DELETE"};
  if (std::find(kMethods.begin(), kMethods.end(), raw.method) == kMethods.end()) {
    refusal = refuse(405, "method_not_allowed", "the method is not one the platform answers");
    return std::nullopt;
  }
  ApiRequest r;
  r.method = raw.method;
  r.source = raw.peer;
  r.shared_body = true;  // kept bodies go out as they are kept
  const auto q = raw.target.find('?');
  r.path = raw.target.substr(0, q);
  const std::string_view query =
      q == std::string::npos ? std::string_view() : std::string_view(raw.target).substr(q + 1);
  const bool path_ok =
      !r.path.empty() && r.path[0] == '/' && r.path.size() <= 2048 &&
      std::all_of(r.path.begin(), r.path.end(),
                  [](char c) { return c == '%' || is_path_char(c); }) &&
      escapes_well_formed(r.path) &&
      (r.path.find('%') == std::string::npos || is_clean_text(percent_decoded(r.path), false));
  if (!path_ok) {
    refusal = refuse(400, "bad_path",
                     "the path must start with '/' and hold only URL characters and well-formed "
                     "percent escapes of UTF-8 text");
    return std::nullopt;
  }
  std::string why;
  auto parsed = parse_query(query, why);
  if (!parsed) {
    refusal = refuse(400, "bad_query", why);
    return std::nullopt;
  }
  r.query = std::move(*parsed);
  for (const auto& header : raw.headers) {
    const std::string& name = header.first;  // not a structured binding: lambdas capture it
    const std::string& value = header.second;
    if (!clean_header_text(value) || !is_clean_text(value, false)) {
      refusal =
          refuse(400, "bad_header",
                 "a header holds control characters: " + (is_clean_text(name, false) ? name : "?"));
      return std::nullopt;
    }
    auto is = [&](std::string_view want) { return same_name(name, want); };
    if (is(kBadFramingHeader)) {
      refusal = refuse(400, "bad_request", "the request's body cannot be told apart: " + value);
      refusal.close = true;  // nothing after it on the connection can be read
      return std::nullopt;
    }
    if (is(kRefusedBodyHeader)) {
      refusal = refuse(413, "too_large",
                       "the body is larger than " + std::to_string(kMaxBody) + " bytes");
      return std::nullopt;
    }
    if (is("authorization")) r.authorization = value;
    if (is("if-none-match")) r.if_none_match = value;
    if (is("accept-encoding")) r.accepts_gzip = value.find("gzip") != std::string::npos;
    if (is("cookie")) r.cookie = value;
    if (is("accept-language")) r.accept_language = value;
    if (is("content-type")) r.content_type = value;
    if (is("origin")) r.origin = value;
    if (is("host")) r.host = value;
    if (is("x-forwarded-proto") && same_name(value, "https")) r.secure = true;
  }
  if (raw.body.size() > kMaxBody) {
    refusal =
        refuse(413, "too_large", "the body is larger than " + std::to_string(kMaxBody) + " bytes");
    return std::nullopt;
  }
  r.body = std::move(raw.body);
  return r;
}

void finish(ApiResponse& response) {
  auto& h = response.headers;
  h.erase(std::remove_if(h.begin(), h.end(),
                         [](const auto& kv) {
                           const bool bad =
                               !clean_header_text(kv.first) || !clean_header_text(kv.second);
                           if (bad) std::cerr << "edge: a header with CR, LF or NUL was dropped\n";
                           return bad;
                         }),
          h.end());
  if (!clean_header_text(response.content_type)) response.content_type = "application/octet-stream";
  h.emplace_back("X-Content-Type-Options", "nosniff");
  h.emplace_back("Referrer-Policy", "same-origin");
  if (response.content_type.rfind("text/html", 0) == 0) {  // pages: no framing, own code only
    h.emplace_back("X-Frame-Options", "DENY");
    h.emplace_back("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src "
                   "'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                   "frame-ancestors 'none'");
  }
}

ApiResponse serve_request(RawRequest&& raw, const RequestHandler& handle) {
  ApiResponse out;
  const std::string method = raw.method;
  try {
    if (auto request = admit(std::move(raw), out)) out = handle(*request);
  } catch (const std::exception& e) {
    std::cerr << "edge: " << method << " request failed: " << e.what() << "\n";
    out = refuse(500, "internal", "the server failed");
  } catch (...) {
    out = refuse(500, "internal", "the server failed");
  }
  finish(out);
  return out;
}

}  // namespace procura

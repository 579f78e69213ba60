// Fuzzes raw HTTP requests, bytes as they arrive on a connection: through the connection's body
// limit (edge.hpp's BodyLimit), split into requests by http_parser (the parser RESTinio runs),
// and each request through the edge (its request line and query string, its headers, its body)
// to the API or the portal, as `procura serve` does. A 5xx answer, a header holding CR or LF, or
// an exception is a failure: whatever arrives gets a 4xx or an answer.
#include <http_parser.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "fuzz_platform.hpp"
#include "portal/portal.hpp"
#include "server/edge.hpp"

using namespace procura;

namespace {

struct Platform : fuzz::FuzzPlatform {
  std::unique_ptr<Portal> portal;
  Platform() : FuzzPlatform("procura-fuzz-http") { portal = std::make_unique<Portal>(api); }

  ApiResponse handle(const ApiRequest& r) {
    const bool to_api = r.path == "/api" || r.path.rfind("/api/", 0) == 0;
    return to_api ? api.handle(r) : portal->handle(r);
  }
};

// The requests http_parser reads from the bytes, as RESTinio hands them on.
struct Split {
  std::vector<RawRequest> requests;
  RawRequest current;
  std::string field, value;
  bool in_value = false;
  bool too_large = false;

  void end_header() {
    if (!field.empty()) current.headers.emplace_back(field, value);
    field.clear();
    value.clear();
    in_value = false;
  }
};

int on_url(http_parser* p, const char* at, std::size_t n) {
  static_cast<Split*>(p->data)->current.target.append(at, n);
  return 0;
}
int on_field(http_parser* p, const char* at, std::size_t n) {
  auto* s = static_cast<Split*>(p->data);
  if (s->in_value) s->end_header();
  s->field.append(at, n);
  return 0;
}
int on_value(http_parser* p, const char* at, std::size_t n) {
  auto* s = static_cast<Split*>(p->data);
  s->in_value = true;
  s->value.append(at, n);
  return 0;
}
int on_headers(http_parser* p) {
  auto* s = static_cast<Split*>(p->data);
  s->end_header();
  s->current.method = http_method_str(static_cast<http_method>(p->method));
  return 0;
}
int on_body(http_parser* p, const char* at, std::size_t n) {
  auto* s = static_cast<Split*>(p->data);
  if (s->current.body.size() + n > kMaxBody + 1) return -1;  // RESTinio's limit: it closes
  s->current.body.append(at, n);
  return 0;
}
int on_complete(http_parser* p) {
  auto* s = static_cast<Split*>(p->data);
  s->current.peer = "127.0.0.9";
  s->requests.push_back(std::move(s->current));
  s->current = RawRequest();
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Platform platform;
  // The bytes reach the parser in two reads, split where the first byte says.
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = size ? data[0] % (size + 1) : 0;
  BodyLimit limit(4096);  // a small limit, so that the fuzzer reaches it
  std::string passed = limit.feed(std::string_view(bytes).substr(0, cut));
  passed += limit.feed(std::string_view(bytes).substr(cut));
  http_parser_settings settings;
  http_parser_settings_init(&settings);
  settings.on_url = on_url;
  settings.on_header_field = on_field;
  settings.on_header_value = on_value;
  settings.on_headers_complete = on_headers;
  settings.on_body = on_body;
  settings.on_message_complete = on_complete;
  http_parser parser;
  http_parser_init(&parser, HTTP_REQUEST);
  Split split;
  parser.data = &split;
  http_parser_execute(&parser, &settings, passed.data(), passed.size());
  for (auto& raw : split.requests) {
    const std::string what = raw.method + " " + raw.target;
    const ApiResponse out =
        serve_request(std::move(raw), [&](const ApiRequest& r) { return platform.handle(r); });
    if (out.status >= 500) fuzz::fail(what + ": " + out.body);
    for (const auto& [name, value] : out.headers)
      if (name.find_first_of("\r\n") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos)
        fuzz::fail("a header with CR or LF: " + name);
  }
  return 0;
}

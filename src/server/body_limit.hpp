#pragma once
// The framing of requests on one connection, checked before the HTTP library parses them: what
// a body is (its Content-Length, or its chunks) is decided here once, so that the library and the
// limit never disagree about where a body ends.
// Thread safety: one BodyLimit per connection, used from one thread at a time.
#include <cstddef>
#include <string>
#include <string_view>

namespace procura {

inline constexpr std::size_t kMaxBody = 1 << 20;  // larger bodies get 413

// The header the connection's BodyLimit adds to a request whose body it dropped for being over
// the limit (the value is the announced length, or "chunked").
inline constexpr const char* kRefusedBodyHeader = "procura-refused-body";
// The header it adds to a request whose framing it cannot trust (the value says why); nothing
// after such a request is read from the connection, which the answer closes.
inline constexpr const char* kBadFramingHeader = "procura-bad-framing";

// On one connection's incoming bytes:
// - a body announced by one Content-Length (spaces around the number allowed) within the limit
//   passes unchanged;
// - a body over the limit reaches the parser as a request without it and with the
//   kRefusedBodyHeader header instead; the body is dropped as it arrives, never held, and the
//   next request on the connection passes;
// - a chunked body is read here (chunk sizes, extensions, trailers) and passed on with a
//   Content-Length, or refused as above once its chunks pass the limit;
// - a header line that is not a field name, a colon and a value (a space before the colon, a
//   folded line), differing Content-Length headers, a Content-Length that is not a number,
//   Content-Length with Transfer-Encoding, a transfer coding other than chunked, or malformed
//   chunks: the request
//   reaches the parser without a body and with kBadFramingHeader, and the rest of the connection
//   is dropped (where the next request would start is not known).
// A head over 64 KiB passes as it is, with the rest of the connection, for the parser to refuse.
class BodyLimit {
 public:
  explicit BodyLimit(std::size_t limit = kMaxBody) : limit_(limit) {}
  // The bytes to give the parser for `in` (possibly fewer, more, or none).
  std::string feed(std::string_view in);

 private:
  enum class State {
    kHead,       // reading a request's head
    kBody,       // passing a body of a known length
    kDrop,       // dropping a body of a known length
    kChunkSize,  // reading a chunk-size line
    kChunkData,  // reading a chunk's data (kept, or dropped once over the limit)
    kChunkEnd,   // the CRLF after a chunk's data
    kTrailers,   // trailer lines after the last chunk
    kThrough,    // everything passes (a head too large to read)
    kClosed,     // nothing passes (the framing could not be trusted)
  };
  void on_head(std::string head, std::string& out);
  // Reads `in` into line_ up to its LF; true once the line is whole: line_ holds it without its
  // CRLF, or line_bad_ is set (a bare LF, a line over 4 KiB). The next call starts a new line.
  bool take_line(std::string_view& in);
  void chunk_size(std::string& out);
  void refuse_chunked(std::string& out);
  void bad_framing(const std::string& why, std::string& out);

  std::string head_;  // the head being read; for a chunked body, the head held until its end
  std::string line_;  // a chunk-size, chunk-end or trailer line being read
  bool line_bad_ = false, line_done_ = false;
  std::string body_;  // a chunked body's data, until its last chunk
  State state_ = State::kHead;
  bool dropping_ = false;        // the chunked body is over the limit: its 413 head is sent
  unsigned long long left_ = 0;  // body or chunk bytes still to pass or drop
  std::size_t trailers_ = 0;     // bytes of trailer lines read
  std::size_t limit_;
};

}  // namespace procura

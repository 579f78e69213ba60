#include "server/body_limit.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace procura {

namespace {

constexpr std::size_t kMostHead = 65536;
constexpr std::size_t kMostLine = 4096;       // a chunk-size line with its extensions
constexpr std::size_t kMostTrailers = 65536;  // all trailer lines of one body

bool named(std::string_view line, std::string_view lower_name, std::string_view& value) {
  const auto colon = line.find(':');
  if (colon != lower_name.size()) return false;
  for (std::size_t i = 0; i < colon; ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != lower_name[i]) return false;
  value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    value = {};
    return true;
  }
  value = value.substr(first, value.find_last_not_of(" \t") + 1 - first);  // OWS both sides
  return true;
}

// A field line: a token (RFC 9110 5.6.2), a colon, a value; no space before the colon, no
// folded continuation.
bool field_line(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (char c : line.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos)
      return false;
  return true;
}

std::optional<unsigned long long> decimal(std::string_view v) {
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  unsigned long long n = 0;
  for (char c : v) n = n * 10 + static_cast<unsigned long long>(c - '0');
  return n;
}

// The head's lines, the request line first, without their CRLF.
std::vector<std::string_view> lines_of(std::string_view head) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0; at + 2 <= head.size();) {
    const auto eol = head.find("\r\n", at);
    if (eol == std::string_view::npos || eol == at) break;  // the empty line ends the head
    out.push_back(head.substr(at, eol - at));
    at = eol + 2;
  }
  return out;
}

// `head` without its framing headers and with `extra` ("Name: value\r\n") after the request line.
std::string rebuilt(std::string_view head, const std::string& extra) {
  const auto lines = lines_of(head);
  std::string out;
  if (lines.empty()) return std::string(head);
  out.append(lines[0]).append("\r\n").append(extra);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view v;
    if (!field_line(lines[i]) || named(lines[i], "content-length", v) ||
        named(lines[i], "transfer-encoding", v))
      continue;
    out.append(lines[i]).append("\r\n");
  }
  return out + "\r\n";
}

std::string header(const char* name, const std::string& value) {
  return std::string(name) + ": " + value + "\r\n";
}

}  // namespace

std::string BodyLimit::feed(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    switch (state_) {
      case State::kThrough:
        out.append(in);
        return out;
      case State::kClosed:
        return out;
      case State::kBody:
      case State::kDrop:
      case State::kChunkData: {
        const auto n = static_cast<std::size_t>(std::min<unsigned long long>(left_, in.size()));
        if (state_ == State::kBody) out.append(in.substr(0, n));
        if (state_ == State::kChunkData && !dropping_) body_.append(in.substr(0, n));
        in.remove_prefix(n);
        left_ -= n;
        if (left_ == 0) state_ = state_ == State::kChunkData ? State::kChunkEnd : State::kHead;
        break;
      }
      case State::kChunkSize:
        if (take_line(in)) chunk_size(out);
        break;
      case State::kChunkEnd:
        if (!take_line(in)) break;
        if (line_bad_ || !line_.empty()) {
          bad_framing("a chunk is longer than its size says", out);
          break;
        }
        state_ = State::kChunkSize;
        break;
      case State::kTrailers:
        if (!take_line(in)) break;
        trailers_ += line_.size() + 2;
        if (line_bad_ || trailers_ > kMostTrailers) {
          bad_framing("the trailers are over 64 KiB", out);
          break;
        }
        if (!line_.empty()) break;  // a trailer field: not passed on
        if (!dropping_)
          out += rebuilt(head_, header("Content-Length", std::to_string(body_.size()))) + body_;
        head_.clear();
        body_.clear();
        dropping_ = false;
        state_ = State::kHead;
        break;
      case State::kHead: {
        const std::size_t before = head_.size();
        head_.append(in);
        const auto end = head_.find("\r\n\r\n");
        if (end == std::string::npos) {
          if (head_.size() > kMostHead) {  // not a head we can read: the parser refuses it
            out += head_;
            head_.clear();
            state_ = State::kThrough;
          }
          return out;
        }
        const std::size_t head_end = end + 4;
        in.remove_prefix(head_end - before);
        std::string head = head_.substr(0, head_end);
        head_.clear();
        on_head(std::move(head), out);
        break;
      }
    }
  }
  return out;
}

void BodyLimit::on_head(std::string head, std::string& out) {
  std::optional<unsigned long long> length;
  int codings = 0, lengths = 0;
  bool chunked = false;
  head_ = std::move(head);
  const auto lines = lines_of(head_);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view v;
    if (!field_line(lines[i]))
      return bad_framing("a header line that is not a field name, a colon and a value", out);
    if (named(lines[i], "content-length", v)) {
      const auto n = decimal(v);
      if (!n) return bad_framing("a Content-Length that is not a number", out);
      if (length && *length != *n) return bad_framing("Content-Length headers that differ", out);
      length = n;
      ++lengths;
    } else if (named(lines[i], "transfer-encoding", v)) {
      ++codings;
      std::string coding(v);
      std::transform(coding.begin(), coding.end(), coding.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      chunked = coding == "chunked";
    }
  }
  if (codings > 0 && length) return bad_framing("both Content-Length and Transfer-Encoding", out);
  if (codings > 1 || (codings == 1 && !chunked))
    return bad_framing("a transfer coding other than chunked", out);
  if (chunked) {  // held until its last chunk
    body_.clear();
    dropping_ = false;
    trailers_ = 0;
    state_ = State::kChunkSize;
    return;
  }
  if (length && *length > limit_) {
    out += rebuilt(head_, header(kRefusedBodyHeader, std::to_string(*length)));
    head_.clear();
    left_ = *length;
    state_ = State::kDrop;
    return;
  }
  // One Content-Length said more than once is said once to the parser.
  out += lengths > 1 ? rebuilt(head_, header("Content-Length", std::to_string(*length))) : head_;
  head_.clear();
  left_ = length.value_or(0);
  state_ = left_ > 0 ? State::kBody : State::kHead;
}

bool BodyLimit::take_line(std::string_view& in) {
  if (line_done_) {
    line_.clear();
    line_bad_ = line_done_ = false;
  }
  const auto lf = in.find('\n');
  const std::size_t n = lf == std::string_view::npos ? in.size() : lf + 1;
  if (line_.size() + n <= kMostLine + 2)
    line_.append(in.substr(0, n));
  else
    line_bad_ = true;  // too long: only its end is looked for
  in.remove_prefix(n);
  if (lf == std::string_view::npos) return false;
  if (line_bad_ || line_.size() < 2 || line_[line_.size() - 2] != '\r')
    line_bad_ = true;  // over kMostLine, or a bare LF
  else
    line_.resize(line_.size() - 2);
  line_done_ = true;
  return true;
}

void BodyLimit::chunk_size(std::string& out) {
  // chunk-size [ ; extensions ]: hexadecimal digits, at most 15 of them.
  const std::string_view line(line_);
  const auto end = std::min(line.find(';'), line.size());
  std::string_view digits = line.substr(0, end);
  while (!digits.empty() && (digits.back() == ' ' || digits.back() == '\t'))
    digits.remove_suffix(1);
  if (line_bad_ || digits.empty() || digits.size() > 15 ||
      digits.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
    return bad_framing("a chunk size that is not a hexadecimal number", out);
  const unsigned long long size = std::stoull(std::string(digits), nullptr, 16);
  if (size == 0) {
    state_ = State::kTrailers;
    return;
  }
  if (!dropping_ && body_.size() + size > limit_) refuse_chunked(out);
  left_ = size;
  state_ = State::kChunkData;
}

void BodyLimit::refuse_chunked(std::string& out) {
  out += rebuilt(head_, header(kRefusedBodyHeader, "chunked"));
  head_.clear();
  body_.clear();
  body_.shrink_to_fit();
  dropping_ = true;
}

void BodyLimit::bad_framing(const std::string& why, std::string& out) {
  if (!dropping_ && !head_.empty()) out += rebuilt(head_, header(kBadFramingHeader, why));
  head_.clear();
  body_.clear();
  line_.clear();
  line_bad_ = line_done_ = false;
  state_ = State::kClosed;
}

}  // namespace procura

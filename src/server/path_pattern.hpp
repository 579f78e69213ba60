#pragma once
// Routes' paths, shared by the API and the portal: a pattern is the path's segments between
// slashes, where "{name}" takes any non-empty segment; and the decoding of URL text.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace procura {

// `s` with its %XX escapes decoded (a '%' not followed by two hex digits stays as it is); with
// `plus_is_space` (form fields, cookies written by forms), '+' is a space too.
inline std::string percent_decoded(std::string_view s, bool plus_is_space = false) {
  auto hex = [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

class PathPattern {
 public:
  explicit PathPattern(std::string_view pattern) {
    for (std::size_t at = 0;;) {
      const auto slash = pattern.find('/', at);
      segments_.emplace_back(
          pattern.substr(at, slash == std::string_view::npos ? slash : slash - at));
      if (slash == std::string_view::npos) break;
      at = slash + 1;
    }
  }

  // Whether `path` has the pattern's segments; the placeholders' segments, percent-decoded, go
  // to `values` in order.
  bool match(std::string_view path, std::vector<std::string>& values) const {
    values.clear();
    if (static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) + 1 != segments_.size())
      return false;  // not as many segments: no need to look at them
    std::size_t i = 0;
    for (std::size_t at = 0;; ++i) {
      const auto slash = path.find('/', at);
      const auto part = path.substr(at, slash == std::string_view::npos ? slash : slash - at);
      if (i >= segments_.size()) return false;
      const std::string& want = segments_[i];
      if (!want.empty() && want.front() == '{') {
        if (part.empty()) return false;
        values.push_back(percent_decoded(part));
      } else if (part != want) {
        return false;
      }
      if (slash == std::string_view::npos) break;
      at = slash + 1;
    }
    return i + 1 == segments_.size();
  }

 private:
  std::vector<std::string> segments_;
};

}  // namespace procura

#pragma once
// Text escaping shared by the HTML report, the portal's Atom feeds and its pages, and the API's
// links.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace procura {

// `s` safe inside XML or HTML text and double-quoted attribute values (& < > " escaped).
inline std::string xml_escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// `s` as one part of a URL (a path segment, a query key or value): unreserved characters kept,
// every other byte %XX.
inline std::string url_escaped(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

// The longest start of UTF-8 text `s` of at most `max_bytes` bytes that does not cut a character
// (continuation bytes 10xxxxxx are never left without their lead byte).
inline std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

// `s` without blanks (spaces, tabs, CR, LF) at either end.
inline std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

// The parts of `s` between `sep`s, each trimmed, empty ones left out ("a, b,,c" -> a, b, c).
inline std::vector<std::string> split_trimmed(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at <= s.size();) {
    auto end = s.find(sep, at);
    if (end == std::string_view::npos) end = s.size();
    std::string part = trimmed(s.substr(at, end - at));
    if (!part.empty()) out.push_back(std::move(part));
    at = end + 1;
  }
  return out;
}

}  // namespace procura

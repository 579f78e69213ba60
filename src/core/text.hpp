#pragma once
// Text escaping shared by the HTML report, the portal's Atom feeds and its pages, and the API's
// links.
#include <cctype>
#include <string>
#include <string_view>

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

}  // namespace procura

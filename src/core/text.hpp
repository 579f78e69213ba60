#pragma once
// Text escaping shared by the HTML report, the portal's Atom feeds and its pages.
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

}  // namespace procura

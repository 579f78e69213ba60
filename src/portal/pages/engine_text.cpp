// The award engine's texts (bid reasons, group notes) in the visitor's language.
#include <cctype>
#include <regex>

#include "core/text.hpp"
#include "portal/pages/page_helpers.hpp"

namespace procura::pages {

namespace {

// A text with figures: its pattern, its message and what each figure is.
enum class Figure { kCount, kNumber, kTime };
struct Pattern {
  std::regex re;
  const char* key;
  std::vector<std::pair<const char*, Figure>> figures;  // placeholder, kind, in match order
};

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> all = [] {
    std::vector<Pattern> p;
    p.push_back({std::regex(R"(ranked (\d+), beyond the (\d+) winning places)"),
                 "engine_ranked_out",
                 {{"rank", Figure::kCount}, {"places", Figure::kCount}}});
    p.push_back({std::regex(R"(above the ceiling of ([0-9]+(?:\.[0-9]+)?))"),
                 "engine_above_ceiling",
                 {{"ceiling", Figure::kNumber}}});
    p.push_back({std::regex(R"(submitted after the deadline (\S+))"),
                 "engine_late",
                 {{"deadline", Figure::kTime}}});
    p.push_back({std::regex(R"(more than (\d+) decimals)"),
                 "engine_too_precise",
                 {{"decimals", Figure::kCount}}});
    p.push_back({std::regex(R"(above the admission guard \(([0-9.]+)x the anchor\))"),
                 "engine_above_guard",
                 {{"ratio", Figure::kNumber}}});
    return p;
  }();
  return all;
}

std::string figure(const PageContext& c, const std::string& text, Figure kind) {
  switch (kind) {
    case Figure::kCount:
      return c.count(std::stoll(text));
    case Figure::kNumber:
      return c.number(text);
    case Figure::kTime:
      return c.date(text);
  }
  return text;
}

// One part: through its pattern, else its fixed words, else as it is.
std::string part_text(const PageContext& c, const std::string& part) {
  std::smatch m;
  for (const auto& p : patterns()) {
    if (!std::regex_match(part, m, p.re)) continue;
    std::map<std::string, std::string> args;
    for (std::size_t i = 0; i < p.figures.size(); ++i)
      args[p.figures[i].first] = figure(c, m[i + 1].str(), p.figures[i].second);
    return c.t(p.key, args);
  }
  // Its words joined by '_': "re-routed to negotiation" -> "engine_re_routed_to_negotiation".
  std::string key = "engine_";
  for (unsigned char ch : part) {
    if (std::isalnum(ch))
      key += static_cast<char>(std::tolower(ch));
    else if (key.back() != '_')
      key += '_';
  }
  if (key.back() == '_') key.pop_back();
  const std::string text = c.t(key);
  return text == key ? part : text;
}

}  // namespace

std::string engine_text(const PageContext& c, const std::string& text) {
  std::string out;
  for (const std::string& part : split_trimmed(text, ';')) {
    if (!out.empty()) out += "; ";
    out += part_text(c, part);
  }
  return out;
}

}  // namespace procura::pages

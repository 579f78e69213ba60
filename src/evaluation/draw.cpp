#include "evaluation/draw.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "tender/commitment.hpp"

namespace procura {

bool is_draw_secret(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string draw_commitment(const std::string& secret) {
  return blake2b_hex(secret);
}

namespace {

bool one_word(const std::string& s) {
  return !s.empty() && s.find_first_of(" \t\r\n") == std::string::npos;
}

}  // namespace

std::string draw_seed_text(const DrawInput& input) {
  std::vector<DrawValue> values = input.values;
  std::sort(values.begin(), values.end(), [](const DrawValue& a, const DrawValue& b) {
    return a.name != b.name ? a.name < b.name : a.value < b.value;
  });
  std::string text = "procura-draw-v1\nround " + input.round + "\ndraw " + input.draw +
                     "\nsecret " + input.secret + "\n";
  for (const auto& v : values) text += "value " + v.name + " " + v.value + "\n";
  return text;
}

std::string draw_seed(const DrawInput& input) {
  if (!is_draw_secret(input.secret)) throw RuleError("a draw's secret is 64 lower-case hex digits");
  if (!one_word(input.round) || !one_word(input.draw))
    throw RuleError("a draw's round and name are single words");
  for (const auto& v : input.values)
    if (!one_word(v.name) || !one_word(v.value))
      throw RuleError("a draw's value '" + v.name + "' is not a single word");
  return blake2b_hex(draw_seed_text(input));
}

}  // namespace procura

#include "core/money.hpp"

#include <algorithm>

namespace procura {

std::optional<Price> parse_price(std::string_view s, int max_decimals) {
  bool neg = false;
  if (!s.empty() && s.front() == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  Wide whole = 0;
  std::size_t i = 0;
  bool digits = false;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    digits = true;
    if (whole > Wide(INT64_MAX) / kPriceScale) return std::nullopt;
  }
  Wide frac = 0;
  int nfrac = 0;
  if (i < s.size()) {  // at '.'
    ++i;
    if (i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      if (++nfrac > max_decimals || nfrac > kPriceDecimals) return std::nullopt;
      frac = frac * 10 + (s[i] - '0');
      digits = true;
    }
  }
  if (!digits) return std::nullopt;
  for (int k = nfrac; k < kPriceDecimals; ++k) frac *= 10;
  Wide v = whole * kPriceScale + frac;
  return static_cast<Price>(neg ? -v : v);
}

std::optional<Units> parse_units(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  Units v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string to_string(Wide v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  if (neg) v = -v;
  std::string out;
  while (v > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  if (neg) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

Wide round_half_up(Wide num, Wide den) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  if (num >= 0) return (2 * num + den) / (2 * den);
  return -((2 * -num + den) / (2 * den));
}

std::string format_amount(Wide amount, int decimals) {
  decimals = std::clamp(decimals, 0, kPriceDecimals);
  Wide div = 1;
  for (int k = decimals; k < kPriceDecimals; ++k) div *= 10;
  Wide scaled = round_half_up(amount, div);
  bool neg = scaled < 0;
  if (neg) scaled = -scaled;
  Wide unit = 1;
  for (int k = 0; k < decimals; ++k) unit *= 10;
  std::string out = neg ? "-" : "";
  out += to_string(scaled / unit);
  if (decimals > 0) {
    std::string f = to_string(scaled % unit);
    out += "." + std::string(static_cast<std::size_t>(decimals) - f.size(), '0') + f;
  }
  return out;
}

std::string format_price(Price p, int decimals) {
  return format_amount(Wide(p), decimals);
}

}  // namespace procura

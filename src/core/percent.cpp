#include "core/percent.hpp"

#include <cmath>

namespace procura {

Fraction one_minus_ratio(Wide a, Wide b) {
  if (b == 0) return {0, 0};
  return {b - a, b};
}

static std::string basis_points_text(Wide bp) {
  bool neg = bp < 0;
  if (neg) bp = -bp;
  std::string frac = to_string(bp % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (neg ? "-" : "") + to_string(bp / 100) + "." + frac;
}

std::string publish_percent(const Fraction& f) {
  if (!f.defined()) return "";
  return basis_points_text(round_half_up(f.num * 10'000, f.den));
}

std::string publish_percent(long double p) {
  long double bp = p * 10'000.0L;
  long double r = bp >= 0 ? std::floor(bp + 0.5L) : -std::floor(-bp + 0.5L);
  return basis_points_text(static_cast<Wide>(r));
}

std::string thousandths_text(long thousandths) {
  if (thousandths < 0) return "-" + thousandths_text(-thousandths);
  std::string text = std::to_string(thousandths / 1000);
  const long fraction = thousandths % 1000;
  if (fraction == 0) return text;
  std::string digits = std::to_string(1000 + fraction).substr(1);  // three digits
  while (digits.back() == '0') digits.pop_back();
  return text + "." + digits;
}

}  // namespace procura

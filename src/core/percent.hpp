#pragma once
// Rates as exact fractions where they come from money (savings, weighted decreases) and as long
// double where they are means of per-product rates. Rounding happens only in publish_percent().
#include <string>

#include "core/money.hpp"

namespace procura {

// An exact non-negative-denominator fraction; value() converts for display and means only.
struct Fraction {
  Wide num = 0;
  Wide den = 1;
  long double value() const { return den == 0 ? 0.0L : static_cast<long double>(num) / den; }
  bool defined() const { return den != 0; }
};

// 1 - a/b as an exact fraction (a decrease or savings rate); den 0 when b is 0.
Fraction one_minus_ratio(Wide a, Wide b);

// A ratio given in thousandths as the shortest exact decimal ("1800" -> "1.8", "1850" -> "1.85",
// "2000" -> "2", "1005" -> "1.005", "-150" -> "-0.15").
std::string thousandths_text(long thousandths);

// Percent with two decimals, half up ("55.81"), from an exact fraction.
std::string publish_percent(const Fraction& f);
// Percent with two decimals, half up, from a proportion (0.5581 -> "55.81").
std::string publish_percent(long double proportion);

}  // namespace procura

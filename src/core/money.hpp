#pragma once
// Money and quantities. Prices are exact integers in 10^-4 of the currency unit; quantities are
// integers in base units (tablet, piece). Nothing here uses floating point.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace procura {

using Price = std::int64_t;  // 10^-4 currency units: 112.3267 yuan == 1'123'267
using Units = std::int64_t;  // base units: tablets, pieces
using Wide = __int128;       // for sums of price x quantity

inline constexpr Price kPriceScale = 10'000;
inline constexpr int kPriceDecimals = 4;

// Parses a plain decimal ("5200", "112.3267", "0.1") into 10^-4 units. Rejects signs other than a
// leading '-', exponents, thousands separators and more than `max_decimals` fractional digits.
std::optional<Price> parse_price(std::string_view text, int max_decimals = kPriceDecimals);

// Parses a non-negative integer quantity; rejects anything but digits.
std::optional<Units> parse_units(std::string_view text);

// Formats a price with exactly `decimals` fractional digits, rounding half away from zero.
std::string format_price(Price p, int decimals = kPriceDecimals);

// Formats a wide amount in 10^-4 units with `decimals` fractional digits, half away from zero.
std::string format_amount(Wide amount, int decimals = 2);

// Rounds a non-negative fraction num/den to the nearest integer, halves up.
Wide round_half_up(Wide num, Wide den);

// Decimal text of a 128-bit integer.
std::string to_string(Wide v);

}  // namespace procura

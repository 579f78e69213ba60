#pragma once
// Numbers, money, percentages and dates written for a language (the CLDR conventions of
// English, Mongolian, Spanish and Chinese). Exact: amounts come in as decimal text and are never
// turned into floating point.
#include <string>
#include <string_view>

namespace procura {

struct Locale {
  std::string lang;         // "en", "mn", "es", "zh"
  char decimal = '.';       // decimal separator
  std::string group = ",";  // thousands separator
  int min_grouping = 1;     // group only numbers with at least this many digits above 3
  bool currency_after = false;
};

// A decimal typed in the visitor's language as the API's plain decimal. With a decimal comma
// (Spanish): "12,50" is 12.50 and "1.234,56" is 1234.56 (dots group thousands only when a comma
// follows, in groups of three); a text with dots alone keeps them as the decimal point, since
// reading "12.50" as 1250 could cost a bidder dearly. Anything else comes back unchanged, for the
// API to refuse with its reason.
std::string plain_decimal(std::string_view typed, const Locale& l);

// The conventions of `lang`; English for an unknown language.
const Locale& locale_for(std::string_view lang);

// `exact` ("-1234.5600", "3117") with grouping, rounded half away from zero to at most
// `max_decimals` (negative: keep all), trailing zeros trimmed down to `min_decimals`. Text that is
// not a decimal number comes back unchanged.
std::string format_decimal(std::string_view exact, const Locale& l, int min_decimals = 0,
                           int max_decimals = -1);
// An amount of money with its currency's symbol where the language has one ("CN¥1,234.50").
// Prices keep up to 4 decimals (at least 2).
std::string format_money(std::string_view exact, std::string_view currency, const Locale& l);
// A percentage ("61.45" -> "61.45%", "61,45 %" in Spanish).
std::string format_percent(std::string_view exact, const Locale& l);
// A count with grouping.
std::string format_count(long long n, const Locale& l);
// A date ("2020-06-15") or date-time ("2020-06-15T09:00:00Z", shown in UTC); other text
// unchanged.
std::string format_date(std::string_view iso, const Locale& l);

}  // namespace procura

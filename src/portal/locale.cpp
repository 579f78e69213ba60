#include "portal/locale.hpp"

#include <array>
#include <cctype>

namespace procura {

namespace {

const std::array<Locale, 4> kLocales = {{
    {"en", '.', ",", 1, false},
    {"mn", '.', ",", 1, false},
    {"es", ',', ".", 2, true},  // CLDR: no grouping of 4-digit numbers in Spanish
    {"zh", '.', ",", 1, false},
}};

struct Symbol {
  const char* lang;
  const char* code;
  const char* symbol;
};

// Currency symbols that differ from the ISO code (CLDR, narrow forms avoided).
const Symbol kSymbols[] = {
    {"en", "CNY", "CN¥"},  {"en", "USD", "US$"},  {"en", "EUR", "€"},   {"en", "MNT", "MNT "},
    {"mn", "CNY", "CN¥ "}, {"mn", "USD", "US$ "}, {"mn", "EUR", "€ "},  {"mn", "MNT", "₮ "},
    {"es", "USD", "US$"},  {"es", "EUR", "€"},    {"es", "MNT", "MNT"}, {"es", "CNY", "CNY"},
    {"zh", "CNY", "¥"},    {"zh", "USD", "US$"},  {"zh", "EUR", "€"},   {"zh", "MNT", "MNT "},
};

const char* kMonthsEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kMonthsEs[] = {"ene", "feb", "mar",  "abr", "may", "jun",
                           "jul", "ago", "sept", "oct", "nov", "dic"};

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Adds one to a string of digits ("199" -> "200", "99" -> "100").
std::string increment(std::string digits) {
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

}  // namespace

std::string plain_decimal(std::string_view typed, const Locale& l) {
  const std::string text(typed);
  if (l.decimal != ',') return text;
  const auto comma = text.find(',');
  if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos) return text;
  const std::string whole = text.substr(0, comma), fraction = text.substr(comma + 1);
  auto digits = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!digits(fraction)) return text;
  std::string plain;
  if (whole.find('.') == std::string::npos) {
    if (!digits(whole)) return text;
    plain = whole;
  } else {  // 1.234.567: a lead of 1 to 3 digits, then groups of three
    std::size_t at = 0;
    for (std::size_t dot; (dot = whole.find('.', at)) != std::string::npos; at = dot + 1) {
      const std::string part = whole.substr(at, dot - at);
      if (!digits(part) || (at == 0 ? part.size() > 3 : part.size() != 3)) return text;
      plain += part;
    }
    const std::string last = whole.substr(at);
    if (!digits(last) || last.size() != 3) return text;
    plain += last;
  }
  return plain + "." + fraction;
}

const Locale& locale_for(std::string_view lang) {
  for (const auto& l : kLocales)
    if (l.lang == lang) return l;
  return kLocales[0];
}

std::string format_decimal(std::string_view exact, const Locale& l, int min_decimals,
                           int max_decimals) {
  std::string_view s = exact;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  std::string whole(s.substr(0, dot));
  std::string frac(dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1));
  if (!all_digits(whole) || (!frac.empty() && !all_digits(frac))) return std::string(exact);
  if (max_decimals >= 0 && static_cast<int>(frac.size()) > max_decimals) {
    const bool up = frac[max_decimals] >= '5';
    frac.resize(max_decimals);
    if (up) {
      std::string all = increment(whole + frac);
      whole = all.substr(0, all.size() - frac.size());
      frac = all.substr(all.size() - frac.size());
    }
  }
  while (static_cast<int>(frac.size()) > min_decimals && frac.back() == '0') frac.pop_back();
  while (static_cast<int>(frac.size()) < min_decimals) frac += '0';
  while (whole.size() > 1 && whole[0] == '0') whole.erase(0, 1);
  std::string grouped;
  const bool group = static_cast<int>(whole.size()) >= 3 + l.min_grouping;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (group && i > 0 && (whole.size() - i) % 3 == 0) grouped += l.group;
    grouped += whole[i];
  }
  const bool zero = whole == "0" && frac.find_first_not_of('0') == std::string::npos;
  std::string out = (negative && !zero ? "-" : "") + grouped;
  if (!frac.empty()) out += l.decimal + frac;
  return out;
}

std::string format_money(std::string_view exact, std::string_view currency, const Locale& l) {
  const std::string number = format_decimal(exact, l, 2, 4);
  std::string symbol(currency);
  for (const auto& s : kSymbols)
    if (l.lang == s.lang && currency == s.code) symbol = s.symbol;
  if (currency.empty()) return number;
  if (l.currency_after) return number + "\u00a0" + symbol;
  return symbol + number;
}

std::string format_percent(std::string_view exact, const Locale& l) {
  return format_decimal(exact, l, 0, 2) + (l.lang == "es" ? "\u00a0%" : "%");
}

std::string format_count(long long n, const Locale& l) {
  return format_decimal(std::to_string(n), l);
}

std::string format_date(std::string_view iso, const Locale& l) {
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return std::string(iso);
  const std::string_view y = iso.substr(0, 4), m = iso.substr(5, 2), d = iso.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::string(iso);
  const int month = std::stoi(std::string(m));
  const int day = std::stoi(std::string(d));
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(iso);
  std::string date;
  if (l.lang == "mn") {
    date = std::string(y) + "." + std::string(m) + "." + std::string(d);
  } else if (l.lang == "zh") {
    date = std::string(y) + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
  } else if (l.lang == "es") {
    date = std::to_string(day) + " " + kMonthsEs[month - 1] + " " + std::string(y);
  } else {
    date = std::to_string(day) + " " + kMonthsEn[month - 1] + " " + std::string(y);
  }
  if (iso.size() >= 16 && iso[10] == 'T') date += " " + std::string(iso.substr(11, 5)) + " UTC";
  return date;
}

}  // namespace procura

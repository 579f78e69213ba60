#include "core/clock.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace procura {

namespace {

bool leap(long long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(long long y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil).
long long days_from_civil(long long y, int m, int d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads `count` digits of `s` from `at` into `out`; false when any is not a digit.
bool digits(const std::string& s, std::size_t at, std::size_t count, int& out) {
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<long long> date_part(const std::string& s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return days_from_civil(y, m, d);
}

}  // namespace

std::string format_utc(long long seconds) {
  // Howard Hinnant's civil_from_days, on the day of `seconds`.
  long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  long long rest = seconds - days * 86400;
  days += 719468;
  const long long era = (days >= 0 ? days : days - 146096) / 146097;
  const long long doe = days - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const long long y = yoe + era * 400 + (m <= 2);
  if (y < 0 || y > 9999) return "0000-00-00T00:00:00Z";  // beyond the written form
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&](std::size_t at, long long v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  put(5, m, 2);
  put(8, d, 2);
  put(11, rest / 3600, 2);
  put(14, rest / 60 % 60, 2);
  put(17, rest % 60, 2);
  return out;
}

std::optional<long long> parse_date(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  return date_part(text);
}

std::optional<long long> parse_utc(const std::string& text) {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  auto days = date_part(text);
  int h = 0, mi = 0, s = 0;
  if (!days || !digits(text, 11, 2, h) || !digits(text, 14, 2, mi) || !digits(text, 17, 2, s) ||
      h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  return *days * 86400 + h * 3600 + mi * 60 + s;
}

std::string add_days(const std::string& at, int days) {
  auto t = parse_utc(at);
  return t ? format_utc(*t + 86400LL * days) : at;
}

long long SystemClock::now() const {
  return static_cast<long long>(std::time(nullptr));
}

FileClock::FileClock(std::string path) : path_(std::move(path)) {
  now();  // refuses a missing or malformed file at once
}

long long FileClock::now() const {
  std::ifstream f(path_);
  std::string line;
  if (!f || !std::getline(f, line))
    throw std::runtime_error("the clock file " + path_ + " cannot be read");
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  auto t = parse_utc(line);
  if (!t)
    throw std::runtime_error("the clock file " + path_ +
                             " must hold a UTC time such as 2026-01-01T09:00:00Z, not '" + line +
                             "'");
  return *t;
}

}  // namespace procura

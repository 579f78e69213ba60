#pragma once
// The current time as the platform writes it: UTC, "YYYY-MM-DDTHH:MM:SSZ" (sorts as text).
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

namespace procura {

inline std::string format_utc(long long seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Seconds since the epoch, now.
inline long long unix_now() {
  return static_cast<long long>(std::time(nullptr));
}

inline std::string utc_now() {
  return format_utc(unix_now());
}

// Seconds since the epoch of a "YYYY-MM-DDTHH:MM:SSZ" time; nullopt when it is not one.
inline std::optional<long long> parse_utc(const std::string& text) {
  std::tm tm{};
  char z = 0;
  int n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
      z != 'Z' || n != static_cast<int>(text.size()) || text.size() != 20)
    return std::nullopt;
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm));
}

// The time `days` whole days after a "YYYY-MM-DDTHH:MM:SSZ" time.
inline std::string add_days(const std::string& at, int days) {
  auto t = parse_utc(at);
  return t ? format_utc(*t + 86400LL * days) : at;
}

}  // namespace procura

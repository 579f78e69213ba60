#pragma once
// The current time as the platform writes it: UTC, "YYYY-MM-DDTHH:MM:SSZ" (sorts as text).
#include <ctime>
#include <string>

namespace procura {

inline std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Seconds since the epoch, now.
inline long long unix_now() { return static_cast<long long>(std::time(nullptr)); }

}  // namespace procura

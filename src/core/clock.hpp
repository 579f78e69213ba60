#pragma once
// The platform's time: seconds since the epoch, written in UTC as "YYYY-MM-DDTHH:MM:SSZ" (which
// sorts as text). The server reads its clock once per request; tests give it a clock they set.
#include <optional>
#include <string>

namespace procura {

// "YYYY-MM-DDTHH:MM:SSZ" of `seconds` since the epoch.
std::string format_utc(long long seconds);

// Seconds since the epoch of an exact "YYYY-MM-DDTHH:MM:SSZ" time that exists on the calendar
// (months 01-12, the month's own number of days with 29 February in leap years only, hours
// 00-23, minutes and seconds 00-59); nullopt for anything else.
std::optional<long long> parse_utc(const std::string& text);

// Days since the epoch of an exact "YYYY-MM-DD" date that exists on the calendar; nullopt else.
std::optional<long long> parse_date(const std::string& text);

// The time `days` whole days after a "YYYY-MM-DDTHH:MM:SSZ" time (`at` itself when it is not one).
std::string add_days(const std::string& at, int days);

// Where the time comes from. Implementations are safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the epoch.
  virtual long long now() const = 0;
  std::string now_utc() const { return format_utc(now()); }
};

// The machine's clock.
class SystemClock final : public Clock {
 public:
  long long now() const override;
};

// A clock set from outside: the time written in a file (one "YYYY-MM-DDTHH:MM:SSZ" line), read
// at every call, so that a test moves time by rewriting the file instead of waiting. Throws
// std::runtime_error naming the file when it cannot be read or holds no such time.
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path);
  long long now() const override;

 private:
  std::string path_;
};

// A clock that stands still at a given time (tools, unit tests).
class FixedClock final : public Clock {
 public:
  explicit FixedClock(long long seconds) : seconds_(seconds) {}
  long long now() const override { return seconds_; }

 private:
  long long seconds_;
};

}  // namespace procura

#include "core/canonical_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace procura {

namespace {

void write(const nlohmann::json& j, std::string& out) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, v] : j.items()) {  // a std::map: names in byte order
        if (!first) out += ',';
        first = false;
        out += nlohmann::json(k).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out += ':';
        write(v, out);
      }
      out += '}';
      return;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      for (std::size_t i = 0; i < j.size(); ++i) {
        if (i) out += ',';
        write(j[i], out);
      }
      out += ']';
      return;
    }
    case nlohmann::json::value_t::number_float:
      out += es_number(j.get<double>());
      return;
    default:
      out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace

std::string es_number(double v) {
  if (!std::isfinite(v)) throw std::invalid_argument("JSON has no number for NaN or infinity");
  if (v == 0) return "0";
  // The shortest digits that read back as `v`, in scientific form: d[.ddd]e±x.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  if (ec != std::errc()) throw std::runtime_error("cannot write a number");
  std::string s(buf, end);
  std::string sign;
  if (s[0] == '-') sign = "-", s.erase(0, 1);
  const auto e = s.find('e');
  const int exponent = std::stoi(s.substr(e + 1));
  std::string digits = s.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // the decimal point's place after the first n digits
  if (k <= n && n <= 21) return sign + digits + std::string(n - k, '0');
  if (0 < n && n <= 21) return sign + digits.substr(0, n) + "." + digits.substr(n);
  if (-6 < n && n <= 0) return sign + "0." + std::string(-n, '0') + digits;
  const std::string exp = (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
  return sign + digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + exp;
}

std::string canonical_json(const nlohmann::json& j) {
  std::string out;
  write(j, out);
  return out;
}

}  // namespace procura

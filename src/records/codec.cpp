#include "records/codec.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/money.hpp"

namespace procura {

using json = nlohmann::json;

namespace {

constexpr long long kLargestCount = 1'000'000'000'000'000LL;

std::string camel_of(std::string_view snake) {
  std::string out;
  bool up = false;
  for (char c : snake) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

long long text_limit(const Field& f) {
  if (f.max > 0) return f.max;
  return f.type == FieldType::kLongText ? 20000 : 200;
}

std::string expected_of(const Field& f) {
  switch (f.type) {
    case FieldType::kId:
      return "an id (1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)";
    case FieldType::kText:
      return "one line of text of at most " + std::to_string(text_limit(f)) + " bytes";
    case FieldType::kLongText:
      return "text of at most " + std::to_string(text_limit(f)) + " bytes";
    case FieldType::kMoney:
      return "a positive decimal string with at most " + std::to_string(f.decimals) +
             " decimals, such as \"612.50\"";
    case FieldType::kDecimal:
      return "a non-negative decimal string with at most " + std::to_string(f.decimals) +
             " decimals";
    case FieldType::kCount:
      return "a whole non-negative number";
    case FieldType::kInteger:
      return "a whole number from " + std::to_string(f.min) + " to " + std::to_string(f.max);
    case FieldType::kFlag:
      return "true or false";
    case FieldType::kList:
      return "an array of at most " + std::to_string(f.max > 0 ? f.max : 50) +
             " texts (each at most 200 bytes)";
    case FieldType::kDate:
      return "a date such as 2026-12-31";
    case FieldType::kTime:
      return "a UTC time such as 2026-12-31T09:00:00Z";
    case FieldType::kChoice: {
      std::string s = "one of";
      for (std::size_t i = 0; i < f.choices.size(); ++i) s += (i ? ", " : " ") + f.choices[i];
      return s;
    }
  }
  return "a value";
}

[[noreturn]] void fail(const Field& f, const std::string& got) {
  throw FieldError(f.name, "'" + f.name + "' must be " + expected_of(f) + got);
}

std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 40) + "…";
  return ", not " + s;
}

}  // namespace

std::vector<std::string> split_list(std::string_view cell) {
  std::vector<std::string> items;
  std::size_t at = 0;
  while (at <= cell.size()) {
    auto end = cell.find(';', at);
    if (end == std::string_view::npos) end = cell.size();
    std::string item(cell.substr(at, end - at));
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(std::move(item));
    at = end + 1;
  }
  return items;
}

std::string snake_case(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return false;
  return s.find("..") == std::string_view::npos;
}

bool is_clean_text(std::string_view s, bool multiline) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const bool layout = c == '\n' || c == '\t' || c == '\r';
      if ((c < 0x20 && !(multiline && layout)) || c == 0x7f) return false;
      ++i;
      continue;
    }
    const int more = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 0;
    if (more == 0 || i + static_cast<std::size_t>(more) >= s.size()) return false;
    std::uint32_t cp = c & (more == 1 ? 0x1f : more == 2 ? 0x0f : 0x07);
    for (int k = 1; k <= more; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const std::uint32_t least = more == 1 ? 0x80 : more == 2 ? 0x800 : 0x10000;
    if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0) return false;
    i += static_cast<std::size_t>(more) + 1;
  }
  return true;
}

Codec::Codec(std::vector<Field> fields, std::vector<std::string> key)
    : fields_(std::move(fields)), key_(std::move(key)) {}

const Field* Codec::field(std::string_view name) const {
  for (const auto& f : fields_)
    if (f.name == name) return &f;
  return nullptr;
}

json Codec::decode_value(const Field& f, const json& v) const {
  switch (f.type) {
    case FieldType::kId:
      if (!v.is_string() || !is_id(v.get_ref<const std::string&>())) fail(f, shown(v));
      return v;
    case FieldType::kText:
    case FieldType::kLongText: {
      if (!v.is_string()) fail(f, shown(v));
      const auto& s = v.get_ref<const std::string&>();
      if (static_cast<long long>(s.size()) > text_limit(f))
        fail(f, " (it has " + std::to_string(s.size()) + " bytes)");
      if (!is_clean_text(s, f.type == FieldType::kLongText))
        fail(f, " (it holds control characters or bytes that are not UTF-8)");
      return v;
    }
    case FieldType::kMoney:
    case FieldType::kDecimal: {
      if (!v.is_string()) fail(f, shown(v));
      const auto& s = v.get_ref<const std::string&>();
      auto p = parse_price(s, f.decimals);
      if (s.empty() || s[0] == '-' || !p || (f.type == FieldType::kMoney && *p <= 0))
        fail(f, shown(v));
      return v;
    }
    case FieldType::kCount:
      if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > kLargestCount)
        fail(f, shown(v));
      return v.get<long long>();
    case FieldType::kInteger:
      if (!v.is_number_integer() || v.get<long long>() < f.min || v.get<long long>() > f.max)
        fail(f, shown(v));
      return v.get<long long>();
    case FieldType::kFlag:
      if (!v.is_boolean()) fail(f, shown(v));
      return v;
    case FieldType::kList: {
      if (!v.is_array() || static_cast<long long>(v.size()) > (f.max > 0 ? f.max : 50))
        fail(f, v.is_array() ? " (it has " + std::to_string(v.size()) + ")" : shown(v));
      for (const auto& x : v)
        if (!x.is_string() || x.get_ref<const std::string&>().empty() ||
            x.get_ref<const std::string&>().size() > 200 ||
            !is_clean_text(x.get_ref<const std::string&>(), false) ||
            x.get_ref<const std::string&>().find(';') != std::string::npos)
          fail(f, shown(x) + " (items are non-empty texts without ';')");
      return v;
    }
    case FieldType::kDate:
      if (!v.is_string() || !parse_date(v.get<std::string>())) fail(f, shown(v));
      return v;
    case FieldType::kTime:
      if (!v.is_string() || !parse_utc(v.get<std::string>())) fail(f, shown(v));
      return v;
    case FieldType::kChoice:
      if (!v.is_string() ||
          std::find(f.choices.begin(), f.choices.end(), v.get<std::string>()) == f.choices.end())
        fail(f, shown(v));
      return v;
  }
  fail(f, shown(v));
}

json Codec::decode(const json& in) const {
  if (!in.is_object()) throw FieldError("", "expected a JSON object");
  for (const auto& [k, v] : in.items()) {
    if (field(k)) continue;
    const std::string camel = camel_of(k);
    if (camel != k && field(camel))
      throw FieldError(
          k, "unknown field '" + k + "': fields are named in lowerCamelCase ('" + camel + "')");
    throw FieldError(k, "unknown field '" + k + "'");
  }
  json out = json::object();
  for (const auto& f : fields_) {
    auto it = in.find(f.name);
    if (it == in.end() || it->is_null()) {
      if (f.required) throw FieldError(f.name, "'" + f.name + "' is required");
      continue;
    }
    out[f.name] = decode_value(f, *it);
  }
  return out;
}

json Codec::decode_cell(const Field& f, const std::string& cell) const {
  switch (f.type) {
    case FieldType::kCount:
    case FieldType::kInteger: {
      const bool negative = !cell.empty() && cell[0] == '-';
      auto n = parse_units(negative ? cell.substr(1) : cell);
      if (!n) fail(f, ", not '" + cell + "'");
      return decode_value(f, json(negative ? -*n : *n));
    }
    case FieldType::kFlag: {
      std::string s = cell;
      std::transform(s.begin(), s.end(), s.begin(), ::tolower);
      if (s == "1" || s == "true" || s == "yes") return true;
      if (s == "0" || s == "false" || s == "no") return false;
      fail(f, " (1/0, true/false or yes/no), not '" + cell + "'");
    }
    case FieldType::kList:
      return decode_value(f, json(split_list(cell)));
    default:
      return decode_value(f, json(cell));
  }
}

json Codec::decode_csv(const std::vector<std::string>& header,
                       const std::vector<std::string>& cells) const {
  json in = json::object();
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = camel_of(header[i]);
    const Field* f = field(name);
    if (!f || snake_case(name) != header[i])
      throw FieldError(header[i], "unknown column '" + header[i] + "'");
    const std::string cell = i < cells.size() ? cells[i] : "";
    if (cell.empty()) continue;
    try {
      in[name] = decode_cell(*f, cell);
    } catch (const FieldError& e) {
      throw FieldError(header[i], e.what());
    }
  }
  try {
    return decode(in);
  } catch (const FieldError& e) {
    throw FieldError(snake_case(e.field), e.what());
  }
}

std::string Codec::key_of(const json& record) const {
  std::string id;
  for (const auto& k : key_) id += (id.empty() ? "" : "/") + text_of(record, k);
  return id;
}

std::string Codec::text_of(const json& record, const std::string& name) {
  auto it = record.find(name);
  if (it == record.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_boolean()) return it->get<bool>() ? "1" : "0";
  if (it->is_array()) {
    std::string out;
    for (const auto& x : *it)
      out += (out.empty() ? "" : ";") + (x.is_string() ? x.get<std::string>() : x.dump());
    return out;
  }
  return it->dump();
}

}  // namespace procura

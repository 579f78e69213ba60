#include "ocds/schema_validator.hpp"

#include <cmath>
#include <stdexcept>

namespace procura::ocds {

using json = nlohmann::json;

namespace {

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

bool type_matches(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  if (t == "number") return v.is_number();
  if (t == "integer")
    return v.is_number_integer() ||
           (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
  return false;
}

// Equality as JSON Schema means it: 1 and 1.0 are equal numbers.
bool equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [k, v] : a.items()) {
      auto it = b.find(k);
      if (it == b.end() || !equal(v, *it)) return false;
    }
    return true;
  }
  return a == b;
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool valid_format(const std::string& format, const std::string& s) {
  static const std::regex date_time(
      R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
  static const std::regex email(R"(^[^@\s]+@[^@\s]+$)");
  static const std::regex uri(R"(^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$)");
  static const std::regex ipv4(
      R"(^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$)");
  if (format == "date-time") {
    if (!std::regex_match(s, date_time)) return false;
    const int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2)),
              day = std::stoi(s.substr(8, 2));
    const int hour = std::stoi(s.substr(11, 2)), minute = std::stoi(s.substr(14, 2)),
              second = std::stoi(s.substr(17, 2));
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap))
      return false;
    if (hour > 23 || minute > 59 || second > 60) return false;
    const auto sign = s.find_last_of("+-");
    if (sign > 18)
      return std::stoi(s.substr(sign + 1, 2)) <= 23 && std::stoi(s.substr(sign + 4, 2)) <= 59;
    return true;
  }
  if (format == "email") return std::regex_match(s, email);
  if (format == "uri") return std::regex_match(s, uri);
  if (format == "ipv4") return std::regex_match(s, ipv4);
  return true;  // unknown formats are annotations
}

}  // namespace

SchemaValidator::SchemaValidator(json schema) : root_(std::move(schema)) {}

void SchemaValidator::add_document(const std::string& url, json document) {
  auto doc = std::make_unique<json>(std::move(document));
  if (doc->contains("id") && (*doc)["id"].is_string()) {
    std::string id = (*doc)["id"].get<std::string>();
    if (!id.empty() && id.back() == '#') id.pop_back();
    if (id != url) documents_[id] = std::make_unique<json>(*doc);
  }
  documents_[url] = std::move(doc);
}

const std::regex& SchemaValidator::regex(const std::string& pattern) const {
  auto& slot = regex_cache_[pattern];
  if (!slot) slot = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
  return *slot;
}

const json& SchemaValidator::resolve(const json& schema, const json*& base) const {
  const json* cur = &schema;
  for (int depth = 0;
       depth < 64 && cur->is_object() && cur->contains("$ref") && (*cur)["$ref"].is_string();
       ++depth) {
    const std::string ref = (*cur)["$ref"].get<std::string>();
    const auto hash = ref.find('#');
    const std::string url = ref.substr(0, hash);
    std::string pointer = hash == std::string::npos ? "" : ref.substr(hash + 1);
    if (!url.empty()) {
      auto doc = documents_.find(url);
      if (doc == documents_.end())
        throw std::invalid_argument("unsupported $ref (schema not available): " + ref);
      base = doc->second.get();
    }
    if (pointer.empty()) {
      cur = base;
      continue;
    }
    if (pointer[0] != '/')
      throw std::invalid_argument("unsupported $ref (only JSON pointers): " + ref);
    std::string decoded;  // percent-decoding (e.g. %25 -> %)
    for (std::size_t i = 0; i < pointer.size(); ++i) {
      if (pointer[i] == '%' && i + 2 < pointer.size()) {
        decoded += static_cast<char>(std::stoi(pointer.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += pointer[i];
      }
    }
    cur = &base->at(json::json_pointer(decoded));
  }
  return *cur;
}

void SchemaValidator::check(const json& raw, const json& v, std::string& path,
                            std::vector<SchemaError>* errors, bool& ok, int depth,
                            const json* base) const {
  if (depth > 200) throw std::runtime_error("schema recursion too deep at " + path);
  const json& s = resolve(raw, base);
  if (!s.is_object()) return;
  auto fail = [&](const char* keyword, const std::string& message) {
    ok = false;
    if (errors) errors->push_back({path.empty() ? "/" : path, keyword, message});
  };
  // Runs a sub-schema for a yes/no answer without recording its errors.
  auto passes = [&](const json& sub) {
    bool sub_ok = true;
    std::string p = path;
    check(sub, v, p, nullptr, sub_ok, depth + 1, base);
    return sub_ok;
  };
  if (errors == nullptr && !ok) return;

  if (auto t = s.find("type"); t != s.end()) {
    bool match = false;
    if (t->is_string()) match = type_matches(v, t->get<std::string>());
    if (t->is_array())
      for (const auto& x : *t)
        match = match || (x.is_string() && type_matches(v, x.get<std::string>()));
    if (!match)
      return fail("type", "expected " + t->dump() + ", got " + std::string(v.type_name()));
  }
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    bool found = false;
    for (const auto& x : *e) found = found || equal(x, v);
    if (!found) fail("enum", "expected one of " + e->dump() + ", got " + v.dump());
  }
  for (const char* k : {"allOf", "anyOf", "oneOf"}) {
    auto it = s.find(k);
    if (it == s.end() || !it->is_array()) continue;
    int passing = 0;
    for (const auto& sub : *it) {
      if (std::string(k) == "allOf") {
        check(sub, v, path, errors, ok, depth + 1, base);
      } else {
        passing += passes(sub);
      }
    }
    if (std::string(k) == "anyOf" && passing == 0)
      fail("anyOf", "matches none of the alternatives");
    if (std::string(k) == "oneOf" && passing != 1)
      fail("oneOf",
           "matches " + std::to_string(passing) + " of the alternatives; expected exactly 1");
  }
  if (auto n = s.find("not"); n != s.end() && passes(*n))
    fail("not", "matches a schema it must not match");

  if (v.is_number()) {
    const double x = v.get<double>();
    if (auto m = s.find("multipleOf"); m != s.end() && m->is_number()) {
      const double q = x / m->get<double>();
      if (std::fabs(q - std::round(q)) > 1e-9)
        fail("multipleOf", "expected a multiple of " + m->dump());
    }
    if (auto m = s.find("maximum"); m != s.end() && m->is_number()) {
      const bool exclusive = s.value("exclusiveMaximum", false);
      if (exclusive ? x >= m->get<double>() : x > m->get<double>())
        fail("maximum",
             std::string("expected at most ") + (exclusive ? "(exclusive) " : "") + m->dump());
    }
    if (auto m = s.find("minimum"); m != s.end() && m->is_number()) {
      const bool exclusive = s.value("exclusiveMinimum", false);
      if (exclusive ? x <= m->get<double>() : x < m->get<double>())
        fail("minimum",
             std::string("expected at least ") + (exclusive ? "(exclusive) " : "") + m->dump());
    }
  }
  if (v.is_string()) {
    const std::string& str = v.get_ref<const std::string&>();
    if (auto m = s.find("maxLength"); m != s.end() && code_points(str) > m->get<std::size_t>())
      fail("maxLength", "longer than " + m->dump() + " characters");
    if (auto m = s.find("minLength"); m != s.end() && code_points(str) < m->get<std::size_t>())
      fail("minLength", "shorter than " + m->dump() + " characters");
    if (auto m = s.find("pattern");
        m != s.end() && m->is_string() && !std::regex_search(str, regex(m->get<std::string>())))
      fail("pattern", "does not match " + m->dump());
    if (auto m = s.find("format");
        m != s.end() && m->is_string() && !valid_format(m->get<std::string>(), str))
      fail("format", "not a valid " + m->get<std::string>());
  }
  if (v.is_array()) {
    if (auto m = s.find("maxItems"); m != s.end() && v.size() > m->get<std::size_t>())
      fail("maxItems", "more than " + m->dump() + " items");
    if (auto m = s.find("minItems"); m != s.end() && v.size() < m->get<std::size_t>())
      fail("minItems", "fewer than " + m->dump() + " items");
    if (s.value("uniqueItems", false))
      for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = i + 1; j < v.size(); ++j)
          if (equal(v[i], v[j])) {
            fail("uniqueItems",
                 "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
            i = j = v.size();
          }
    if (auto items = s.find("items"); items != s.end()) {
      const std::size_t mark = path.size();
      if (items->is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          path += "/" + std::to_string(i);
          if (i < items->size()) {
            check((*items)[i], v[i], path, errors, ok, depth + 1, base);
          } else if (auto add = s.find("additionalItems"); add != s.end()) {
            if (add->is_boolean() && !add->get<bool>())
              fail("additionalItems", "no items allowed beyond the listed ones");
            else if (add->is_object())
              check(*add, v[i], path, errors, ok, depth + 1, base);
          }
          path.resize(mark);
        }
      } else {
        for (std::size_t i = 0; i < v.size(); ++i) {
          path += "/" + std::to_string(i);
          check(*items, v[i], path, errors, ok, depth + 1, base);
          path.resize(mark);
        }
      }
    }
  }
  if (v.is_object()) {
    if (auto m = s.find("maxProperties"); m != s.end() && v.size() > m->get<std::size_t>())
      fail("maxProperties", "more than " + m->dump() + " properties");
    if (auto m = s.find("minProperties"); m != s.end() && v.size() < m->get<std::size_t>())
      fail("minProperties", "fewer than " + m->dump() + " properties");
    if (auto r = s.find("required"); r != s.end() && r->is_array())
      for (const auto& name : *r)
        if (name.is_string() && !v.contains(name.get<std::string>()))
          fail("required", "'" + name.get<std::string>() + "' is a required property");
    if (auto d = s.find("dependencies"); d != s.end() && d->is_object())
      for (const auto& [name, dep] : d->items()) {
        if (!v.contains(name)) continue;
        if (dep.is_array()) {
          for (const auto& other : dep)
            if (other.is_string() && !v.contains(other.get<std::string>()))
              fail("dependencies",
                   "'" + other.get<std::string>() + "' is required when '" + name + "' is present");
        } else {
          check(dep, v, path, errors, ok, depth + 1, base);
        }
      }
    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const json* patterns = s.contains("patternProperties") ? &s["patternProperties"] : nullptr;
    const json* additional =
        s.contains("additionalProperties") ? &s["additionalProperties"] : nullptr;
    const std::size_t mark = path.size();
    for (const auto& [key, value] : v.items()) {
      bool matched = false;
      path += "/" + escape_pointer(key);
      if (props && props->contains(key)) {
        matched = true;
        check((*props)[key], value, path, errors, ok, depth + 1, base);
      }
      if (patterns)
        for (const auto& [pattern, sub] : patterns->items())
          if (std::regex_search(key, regex(pattern))) {
            matched = true;
            check(sub, value, path, errors, ok, depth + 1, base);
          }
      if (!matched && additional) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          path.resize(mark);
          fail("additionalProperties", "'" + key + "' is not allowed");
          continue;
        }
        if (additional->is_object()) check(*additional, value, path, errors, ok, depth + 1, base);
      }
      path.resize(mark);
    }
  }
}

std::vector<SchemaError> SchemaValidator::validate(const json& instance) const {
  std::vector<SchemaError> errors;
  std::string path;
  bool ok = true;
  check(root_, instance, path, &errors, ok, 0, &root_);
  return errors;
}

bool SchemaValidator::is_valid(const json& instance) const {
  std::string path;
  bool ok = true;
  check(root_, instance, path, nullptr, ok, 0, &root_);
  return ok;
}

}  // namespace procura::ocds

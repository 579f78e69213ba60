#pragma once
// The typed fields of a record, one convention for the whole API: field names in lowerCamelCase,
// money and other exact decimals as JSON strings ("612.50"), counts as JSON integers, flags as
// JSON booleans, lists as arrays of strings, dates "YYYY-MM-DD" and times "YYYY-MM-DDTHH:MM:SSZ".
// A CSV column carries the field's name in snake_case ("product_id" for productId), and its
// cells are read by the same rules as text. Pure: knows nothing of HTTP or storage.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace procura {

// A field that does not hold what its type expects. `field` names it (as in the request).
struct FieldError : std::runtime_error {
  std::string field;
  FieldError(std::string f, const std::string& message)
      : std::runtime_error(message), field(std::move(f)) {}
};

enum class FieldType {
  kId,        // an identifier (see is_id)
  kText,      // one line of text, at most `max` bytes (default 200)
  kLongText,  // text that may hold line breaks, at most `max` bytes (default 20,000)
  kMoney,     // a positive decimal with at most `decimals` fractional digits (default 4)
  kDecimal,   // a non-negative decimal with at most `decimals` fractional digits
  kCount,     // a whole non-negative number (at most 10^15)
  kInteger,   // a whole number from `min` to `max`
  kFlag,      // true or false
  kList,      // an array of texts (each at most 200 bytes), at most `max` items (default 50)
  kDate,      // "YYYY-MM-DD" on the calendar
  kTime,      // "YYYY-MM-DDTHH:MM:SSZ" on the calendar
  kChoice,    // one of `choices`
};

struct Field {
  std::string name;  // lowerCamelCase
  FieldType type = FieldType::kText;
  bool required = false;
  long long max = 0;  // bytes (texts), items (lists) or the largest value (integers); 0: default
  long long min = 0;  // integers
  int decimals = 4;   // money and decimals
  std::vector<std::string> choices;
  bool filter = false;  // lists of this record may be filtered on the field
  std::string refers;   // the record kind an id field names ("product"), checked by its owner
};

// The items of a ';'-separated list cell ("acrylic; one-piece"), trimmed, empty ones left out.
std::vector<std::string> split_list(std::string_view cell);

// The snake_case column of a lowerCamelCase name ("productId" -> "product_id").
std::string snake_case(std::string_view camel);

// Whether `s` is an identifier: 1 to 64 bytes of ASCII letters, digits, '.', '_' and '-',
// starting with a letter or a digit, without "..".
bool is_id(std::string_view s);

// Whether `s` is valid UTF-8 without control characters (line breaks and tabs allowed when
// `multiline`).
bool is_clean_text(std::string_view s, bool multiline);

// The fields of one kind of record, with the fields forming its key.
class Codec {
 public:
  Codec(std::vector<Field> fields, std::vector<std::string> key);

  const std::vector<Field>& fields() const { return fields_; }
  const std::vector<std::string>& key() const { return key_; }
  const Field* field(std::string_view name) const;

  // The record a JSON object describes, normalized (only known fields, in declaration order).
  // Throws FieldError for an unknown, missing or mistyped field (a snake_case name is told its
  // lowerCamelCase form).
  nlohmann::json decode(const nlohmann::json& in) const;

  // The record of a CSV row: `header` names the columns in snake_case, `cells` their texts
  // (empty cells are absent fields). Throws FieldError naming the column.
  nlohmann::json decode_csv(const std::vector<std::string>& header,
                            const std::vector<std::string>& cells) const;

  // The key of a decoded record: its key fields' texts joined by '/'.
  std::string key_of(const nlohmann::json& record) const;

  // The value of a decoded record's field as text (numbers as written, flags 1/0, lists joined
  // by ';'), "" when absent: what a filter compares and a CSV cell holds.
  static std::string text_of(const nlohmann::json& record, const std::string& field);

 private:
  nlohmann::json decode_value(const Field& f, const nlohmann::json& v) const;
  nlohmann::json decode_cell(const Field& f, const std::string& cell) const;

  std::vector<Field> fields_;
  std::vector<std::string> key_;
};

}  // namespace procura

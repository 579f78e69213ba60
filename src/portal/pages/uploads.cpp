// A table uploaded in a form: CSV text (typed, pasted, or read from the visitor's file by the
// page's script) or an XLSX workbook (read by the script as base64), decoded by the table's codec.
// Its errors name the visitor's own file, never a name the visitor did not send.
#include <sodium.h>

#include <regex>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/csv_reader.hpp"
#include "io/xlsx_reader.hpp"
#include "portal/pages/workspace_forms.hpp"
#include "records/codec.hpp"
#include "records/round_tables.hpp"

namespace procura::pages {

std::string upload_name(const PageContext& c) {
  std::string name = c.field("fileName");
  const auto slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name.erase(0, slash + 1);
  std::string clean;
  for (unsigned char ch : name)
    if (ch >= 0x20 && ch != 0x7f) clean += static_cast<char>(ch);
  // A name that is not UTF-8 is not shown (it would reach the page's text as it is).
  if (!is_clean_text(clean, false)) clean.clear();
  clean = std::string(utf8_prefix(clean, 100));
  return clean.empty() ? c.t("upload_pasted") : clean;
}

Upload uploaded_rows(const PageContext& c, const Codec& codec, const json& fixed,
                     const std::string& skip_without) {
  Upload up;
  up.name = upload_name(c);
  const std::string& name = up.name;
  json& rows = up.rows;
  std::vector<std::string> header;
  long skip_column = -1;
  auto on_header = [&](const std::vector<std::string>& h) {
    header = h;
    for (std::size_t i = 0; i < h.size(); ++i)
      if (!skip_without.empty() && h[i] == skip_without) skip_column = static_cast<long>(i);
  };
  auto on_row = [&](const CsvRow& row) {
    if (rows.size() >= kMostPostedRows)
      throw InputError(name, row.line(), "",
                       "more than " + std::to_string(kMostPostedRows) + " rows; split the file");
    if (skip_column >= 0 && (static_cast<std::size_t>(skip_column) >= row.fields.size() ||
                             row.fields[static_cast<std::size_t>(skip_column)].empty()))
      return;
    // The fixed fields are columns of their own, after the file's (they win).
    std::vector<std::string> names = header, cells = row.fields;
    cells.resize(header.size());
    for (const auto& [k, v] : fixed.items()) {
      names.push_back(snake_case(k));
      cells.push_back(v.get<std::string>());
    }
    try {
      rows.push_back(codec.decode_csv(names, cells));
      up.lines.push_back(row.line());
    } catch (const FieldError& e) {
      throw InputError(name, row.line(), e.field, e.what());
    }
  };
  try {
    const std::string& b64 = c.field("xlsx");
    if (!b64.empty()) {
      std::string bytes(b64.size(), '\0');
      std::size_t len = 0;
      if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(),
                            b64.data(), b64.size(), " \r\n", &len, nullptr,
                            sodium_base64_VARIANT_ORIGINAL) != 0)
        throw InputError(name, 0, "", "the workbook did not arrive whole; choose the file again");
      bytes.resize(len);
      read_xlsx_text(name, bytes, on_header, on_row);
    } else {
      read_csv_text(name, c.field("csv"), on_header, on_row);
    }
    if (rows.empty()) throw InputError(name, 2, "", "the file has no rows");
  } catch (const InputError& e) {
    throw FormError(422, e.what(), {{"csv", e.what()}});
  }
  return up;
}

json send_upload(PortalCore& core, const PageContext& c, const std::string& path,
                 const Upload& up) {
  try {
    return core.send(c, "POST", path, up.rows);
  } catch (const FormError& e) {
    // "row 3: why" names the post's fourth row: the visitor's file names its line.
    static const std::regex kRow("^row ([0-9]+): (.*)$");
    std::smatch m;
    const std::string what = e.what();
    std::string text = up.name + ": " + what;
    if (std::regex_match(what, m, kRow)) {
      const auto i = std::stoul(m[1].str());
      const std::string field = e.fields.empty() ? "" : snake_case(e.fields.begin()->first);
      if (i < up.lines.size()) text = InputError(up.name, up.lines[i], field, m[2].str()).what();
    }
    throw FormError(e.status, text, {{"csv", text}}, e.code);
  }
}

}  // namespace procura::pages

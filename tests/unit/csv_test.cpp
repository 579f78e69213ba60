#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "io/csv_reader.hpp"

using namespace procura;
namespace fs = std::filesystem;

namespace {
std::string write_temp(const std::string& name, const std::string& text) {
  auto p = fs::temp_directory_path() / ("procura-csv-" + name);
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string error_of(const std::string& text, const std::vector<CsvColumn>& cols) {
  auto path = write_temp("t.csv", text);
  try {
    read_csv(path, cols, [](const CsvRow& r) {
      r.required(0);
      if (!r.text(1).empty()) r.units(1);
    });
  } catch (const InputError& e) {
    std::string w = e.what();
    return w.substr(w.find("t.csv"));
  }
  return "";
}
}  // namespace

TEST(Csv, ReadsQuotedFieldsAndKeepsPhysicalLineNumbers) {
  auto path =
      write_temp("q.csv", "id,note\r\na,\"one, two\"\nb,\"multi\nline\"\n\nc,\"say \"\"hi\"\"\"\n");
  std::vector<std::pair<std::string, long>> rows;
  read_csv(path, {{"id", true}, {"note", false}},
           [&](const CsvRow& r) { rows.emplace_back(std::string(r.text(1)), r.line()); });
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::pair<std::string, long>{"one, two", 2}));
  EXPECT_EQ(rows[1], (std::pair<std::string, long>{"multi\nline", 3}));
  EXPECT_EQ(rows[2], (std::pair<std::string, long>{"say \"hi\"", 6}));
}

TEST(Csv, ErrorsNameFileLineAndColumn) {
  const std::vector<CsvColumn> cols = {{"id", true}, {"qty", false}};
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"id,qty\na,1\nb,x\n",
       "t.csv:3: field 'qty': expected a whole non-negative quantity, got 'x'"},
      {"id,qty\n,1\n", "t.csv:2: field 'id': expected a value, got ''"},
      {"qty\n1\n", "t.csv:1: field 'id': required column is missing; expected columns: id, qty"},
      {"id,qty,qty\n", "t.csv:1: field 'qty': column appears twice"},
      {"id,qty\na,1,2\n", "t.csv:2: row has 3 fields, the header has 2"},
      {"id,qty\na,\"1\n", "t.csv:2: malformed CSV"},
      {"", "t.csv:1: the file is empty; expected a header row"}};
  for (const auto& c : cases)
    EXPECT_EQ(error_of(c.text, cols).substr(0, std::string(c.error).size()), c.error) << c.text;
}

TEST(Csv, MissingFileIsAnInputError) {
  EXPECT_THROW(read_csv("/nonexistent/x.csv", {{"a", true}}, [](const CsvRow&) {}), InputError);
}

TEST(Csv, EscapesFields) {
  EXPECT_EQ(csv_escape("plain"), "plain");
  EXPECT_EQ(csv_escape("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_escape("say \"hi\""), "\"say \"\"hi\"\"\"");
}

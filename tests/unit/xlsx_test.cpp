// The XLSX reader against workbooks written by libxlsxwriter (an independent writer), and its
// number and date texts against hand-computed cases and published date serials.
#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "io/xlsx_reader.hpp"

using namespace procura;
namespace fs = std::filesystem;

namespace {

// A file of this test's own: ctest runs the tests of this suite side by side, each in a process of
// its own, so a shared name would let one test read a workbook another is still writing.
fs::path own_file(const std::string& stem) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fs::temp_directory_path() /
         ("procura-xlsx-" + stem + "-" + info->name() + "-" + std::to_string(::getpid()) + ".xlsx");
}

// The file's bytes; the file itself is removed.
std::string bytes_of(const fs::path& p) {
  std::stringstream s;
  {
    std::ifstream in(p, std::ios::binary);
    s << in.rdbuf();
  }
  fs::remove(p);
  return s.str();
}

struct Read {
  std::vector<std::string> header;
  std::vector<std::pair<long, std::vector<std::string>>> rows;
};

Read read(const std::string& bytes) {
  Read r;
  read_xlsx_text(
      "products.xlsx", bytes, [&](const std::vector<std::string>& h) { r.header = h; },
      [&](const CsvRow& row) { r.rows.emplace_back(row.line(), row.fields); });
  return r;
}

std::string error_of(const std::string& bytes) {
  try {
    read(bytes);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A workbook as an office saves one: a header, text, numbers, a date, a boolean, a blank row.
fs::path products_workbook(bool beyond_header = false) {
  const fs::path p = own_file("products");
  lxw_workbook* wb = workbook_new(p.string().c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "products");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  const char* head[] = {"product_id", "name", "strength", "registration_valid_until", "basic"};
  for (int c = 0; c < 5; ++c) worksheet_write_string(ws, 0, c, head[c], nullptr);
  worksheet_write_string(ws, 1, 0, "P01", nullptr);
  worksheet_write_string(ws, 1, 1, "  Lens, hydrophobic  ", nullptr);
  worksheet_write_number(ws, 1, 2, 12.35, nullptr);
  lxw_datetime until = {2027, 3, 31, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 3, &until, date);
  worksheet_write_boolean(ws, 1, 4, 1, nullptr);
  // row 3 left blank; row 4 has a gap in its cells
  worksheet_write_string(ws, 3, 0, "P02", nullptr);
  worksheet_write_number(ws, 3, 2, 0.1 + 0.2, nullptr);
  if (beyond_header) worksheet_write_string(ws, 3, 6, "stray", nullptr);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return p;
}

}  // namespace

TEST(Xlsx, ReadsTheFirstSheetAsACsvOfItWould) {
  const Read r = read(bytes_of(products_workbook()));
  EXPECT_EQ(r.header, (std::vector<std::string>{"product_id", "name", "strength",
                                                "registration_valid_until", "basic"}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].first, 2);  // spreadsheet row numbers, the blank row 3 skipped
  EXPECT_EQ(r.rows[0].second,
            (std::vector<std::string>{"P01", "Lens, hydrophobic", "12.35", "2027-03-31", "1"}));
  EXPECT_EQ(r.rows[1].first, 4);
  // 0.1 + 0.2 is stored as 0.30000000000000004; a spreadsheet shows 0.3
  EXPECT_EQ(r.rows[1].second, (std::vector<std::string>{"P02", "", "0.3", "", ""}));
}

TEST(Xlsx, ValueBeyondTheHeaderNamesTheFileAndRow) {
  const std::string e = error_of(bytes_of(products_workbook(true)));
  EXPECT_NE(e.find("products.xlsx"), std::string::npos) << e;
  EXPECT_NE(e.find("4"), std::string::npos) << e;
  EXPECT_NE(e.find("column 7"), std::string::npos) << e;
}

TEST(Xlsx, AValueBeyondTheColumnLimitIsRefused) {
  const fs::path p = own_file("wide");
  lxw_workbook* wb = workbook_new(p.string().c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "t");
  worksheet_write_string(ws, 0, 0, "product_id", nullptr);
  worksheet_write_string(ws, 1, 300, "far", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  const std::string e = error_of(bytes_of(p));
  EXPECT_NE(e.find("products.xlsx:2"), std::string::npos) << e;
  EXPECT_NE(e.find("beyond column 256"), std::string::npos) << e;
}

TEST(Xlsx, BytesThatAreNoWorkbookAreRefusedByName) {
  for (const std::string& bytes : {std::string("product_id,name\nP01,x\n"), std::string(),
                                   std::string("PK\x03\x04garbage", 12)}) {
    const std::string e = error_of(bytes);
    EXPECT_NE(e.find("products.xlsx"), std::string::npos) << e;
    EXPECT_NE(e.find("XLSX"), std::string::npos) << e;
  }
}

TEST(Xlsx, ZipWithoutWorkbookIsRefused) {
  // A zip holding one empty text file, written by hand from the zip format (APPNOTE 4.3): its
  // local header, central directory and end record.
  const std::string name = "readme.txt";
  std::string z;
  auto u16 = [&](unsigned v) { z += static_cast<char>(v & 0xff), z += static_cast<char>(v >> 8); };
  auto u32 = [&](unsigned v) { u16(v & 0xffff), u16(v >> 16); };
  u32(0x04034b50), u16(20), u16(0), u16(0), u16(0), u16(0), u32(0), u32(0), u32(0);
  u16(static_cast<unsigned>(name.size())), u16(0), z += name;
  const auto central = static_cast<unsigned>(z.size());
  u32(0x02014b50), u16(20), u16(20), u16(0), u16(0), u16(0), u16(0), u32(0), u32(0), u32(0);
  u16(static_cast<unsigned>(name.size())), u16(0), u16(0), u16(0), u16(0), u32(0), u32(0);
  z += name;
  const auto central_size = static_cast<unsigned>(z.size()) - central;
  u32(0x06054b50), u16(0), u16(0), u16(1), u16(1), u32(central_size), u32(central), u16(0);
  const std::string e = error_of(z);
  EXPECT_NE(e.find("xl/workbook.xml"), std::string::npos) << e;
}

TEST(Xlsx, NumberTexts) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"12.35", "12.35"},
      {"12.349999999999999", "12.35"},
      {"0.30000000000000004", "0.3"},
      {"1.5E-3", "0.0015"},
      {"1.5e3", "1500"},
      {"-2", "-2"},
      {"100", "100"},
      {"0", "0"},
      {"-0.0", "0"},
      {"999999999999999.9", "1000000000000000"},
      {"123456789012345678", "123456789012346000"},
      {"0.000123456789012345678", "0.000123456789012346"},
      {"abc", ""},
      {"1.2.3", ""},
      {"1E", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(xlsx_number_text(in), want) << in;
}

TEST(Xlsx, DateSerials) {
  // Serials as spreadsheets publish them: 1 is 1900-01-01, 59 is 1900-02-28, 61 is 1900-03-01
  // (60 is the 29 February 1900 kept from Lotus 1-2-3), 43831 is 2020-01-01; in the 1904 system
  // 0 is 1904-01-01.
  EXPECT_EQ(xlsx_date_text("1", false), "1900-01-01");
  EXPECT_EQ(xlsx_date_text("59", false), "1900-02-28");
  EXPECT_EQ(xlsx_date_text("60", false), "");
  EXPECT_EQ(xlsx_date_text("61", false), "1900-03-01");
  EXPECT_EQ(xlsx_date_text("43831", false), "2020-01-01");
  EXPECT_EQ(xlsx_date_text("44197", false), "2021-01-01");
  EXPECT_EQ(xlsx_date_text("43831.5", false), "2020-01-01T12:00:00Z");
  EXPECT_EQ(xlsx_date_text("43831.99999999", false), "2020-01-02");  // rounds to midnight
  EXPECT_EQ(xlsx_date_text("0", true), "1904-01-01");
  EXPECT_EQ(xlsx_date_text("42369", true), "2020-01-01");
  // Found by review: a serial of 128 or more decimals divided by zero (the whole server stopped).
  EXPECT_EQ(xlsx_date_text("1E-130", false), "");
  EXPECT_EQ(xlsx_date_text("43831.5" + std::string(39, '0') + "1", false), "2020-01-01T12:00:00Z");
  EXPECT_EQ(xlsx_date_text("43831." + std::string(200, '9'), false), "2020-01-02");
  EXPECT_EQ(xlsx_date_text("-1", false), "");
  EXPECT_EQ(xlsx_date_text("x", false), "");
}

// The record layer's pure parts, table by table: canonical JSON (RFC 8785's numbers), the
// calendar, timelines, identifiers and text, the typed codecs, the audience rules, and the small
// domain rules moved out of the adapters (demand flags, the median price ratio, spreadsheet-safe
// CSV cells).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "catalog/catalog.hpp"
#include "core/canonical_json.hpp"
#include "core/clock.hpp"
#include "demand/demand.hpp"
#include "io/csv_reader.hpp"
#include "records/catalogue.hpp"
#include "records/codec.hpp"
#include "records/reader.hpp"
#include "tender/phase.hpp"
#include "test_data.hpp"

using namespace procura;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

using testing_data::rows_of;

}  // namespace

TEST(CanonicalJson, NumbersAreWrittenAsEcmaScriptDoes) {
  const auto rows = rows_of("es_numbers.tsv");
  ASSERT_GE(rows.size(), 20u);
  for (const auto& r : rows) {
    const std::uint64_t bits = std::stoull(r[0], nullptr, 16);
    EXPECT_EQ(es_number(std::bit_cast<double>(bits)), r[1]) << r[0];
  }
}

TEST(CanonicalJson, MembersSortedNoSpacesFewestEscapes) {
  const json j =
      json::parse(R"({"b": [1, 2.50, 1e21, "x\u000a\u0001"], "a": {"é": true, "d": null}})");
  EXPECT_EQ(canonical_json(j),
            "{\"a\":{\"d\":null,\"é\":true},\"b\":[1,2.5,1e+21,\"x\\n\\u0001\"]}");
  // A record read back by any JSON tool and written canonically again is the same text.
  EXPECT_EQ(canonical_json(json::parse(canonical_json(j))), canonical_json(j));
}

TEST(Clock, TimesAndDatesExistOnTheCalendar) {
  struct Case {
    const char* text;
    bool valid;
  };
  const Case times[] = {{"2024-02-29T12:00:00Z", true},
                        {"2023-02-29T12:00:00Z", false},
                        {"2027-02-31T09:00:00Z", false},
                        {"2027-04-31T09:00:00Z", false},
                        {"2027-01-01T99:00:00Z", false},
                        {"2027-01-01T24:00:00Z", false},
                        {"2027-01-01T23:60:00Z", false},
                        {"2027-01-01T23:59:60Z", false},
                        {"2027-01-01T23:59:59Z", true},
                        {"2027-01-01T23:59:59z", false},
                        {"2027-1-01T23:59:59Z", false},
                        {"2027-01-01 23:59:59Z", false},
                        {"2000-02-29T00:00:00Z", true},
                        {"1900-02-29T00:00:00Z", false},
                        {"", false},
                        {"2027-01-01T23:59:59Z ", false}};
  for (const auto& c : times) EXPECT_EQ(parse_utc(c.text).has_value(), c.valid) << c.text;
  EXPECT_EQ(parse_utc("1970-01-02T00:00:01Z"), 86401);
  EXPECT_EQ(parse_utc("2026-12-01T08:44:06Z"), 1796114646);  // date -d 2026-12-01T08:44:06Z +%s
  EXPECT_EQ(format_utc(1796114646), "2026-12-01T08:44:06Z");
  EXPECT_EQ(parse_date("2024-02-29"), 19782);
  EXPECT_FALSE(parse_date("2025-02-29"));
  EXPECT_FALSE(parse_date("2025-13-01"));
  EXPECT_EQ(add_days("2024-02-28T10:00:00Z", 2), "2024-03-01T10:00:00Z");
}

TEST(Timeline, ImpossibleTimelinesAreNamed) {
  struct Case {
    Timeline t;
    const char* field;  // "" for a possible timeline
  };
  const Case cases[] = {
      {{"2019", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "2020-07-10T17:00:00Z",
        "2020-09-01"},
       ""},
      {{"2019", "2020-06-15T09:00:00Z", "2020-06-15T08:00:00Z", "", "2020-09-01"},
       "timeline.bidOpening"},
      {{"2019", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "2020-06-15T09:30:00Z",
        "2020-09-01"},
       "timeline.negotiationEnd"},
      {{"2019", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "", "2020-06-14"},
       "timeline.contractStart"},
      {{"2019", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "", "2020-06-15"}, ""},
      {{"2021", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "", "2020-09-01"},
       "timeline.basePeriod"},
      {{"2020", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "", "2020-09-01"}, ""},
      {{"last year", "2020-06-15T09:00:00Z", "2020-06-15T10:00:00Z", "", "2020-09-01"},
       "timeline.basePeriod"},
  };
  for (const auto& c : cases) {
    auto p = timeline_problem(c.t);
    EXPECT_EQ(p ? p->field : "", c.field) << c.t.base_period << " " << c.t.bid_opening;
  }
}

TEST(Phase, FromStatusAndTime) {
  const std::string d = "2026-06-01T10:00:00Z", o = "2026-06-01T12:00:00Z";
  EXPECT_EQ(round_phase("draft", d, o, "2027-01-01T00:00:00Z"), RoundPhase::kDraft);
  EXPECT_EQ(round_phase("published", d, o, "2026-06-01T09:59:59Z"), RoundPhase::kBidding);
  EXPECT_EQ(round_phase("published", d, o, d), RoundPhase::kSealed);
  EXPECT_EQ(round_phase("published", d, o, o), RoundPhase::kAwaitingOpening);
  EXPECT_EQ(round_phase("opened", d, o, "2020-01-01T00:00:00Z"), RoundPhase::kOpened);
  EXPECT_EQ(round_phase("awarded", d, o, d), RoundPhase::kAwarded);
  EXPECT_TRUE(takes_round_tables(RoundPhase::kDraft));
  EXPECT_FALSE(takes_round_tables(RoundPhase::kBidding));
  EXPECT_TRUE(takes_negotiation(RoundPhase::kOpened));
  EXPECT_FALSE(takes_negotiation(RoundPhase::kAwarded));
  for (auto p : {RoundPhase::kDraft, RoundPhase::kSealed, RoundPhase::kAwarded})
    EXPECT_EQ(parse_phase(phase_name(p)), p);
}

TEST(Text, IdsAndCleanText) {
  for (const char* good : {"3n-iol-2020", "IOL-001", "G001", "BJ-H1", "a.b_c", "X"})
    EXPECT_TRUE(is_id(good)) << good;
  for (std::string bad : {std::string(""), std::string(".."), std::string("a..b"),
                          std::string(".hidden"), std::string("-x"), std::string("a b"),
                          std::string("a/b"), std::string("a\r\nb"), std::string("a\0b", 3),
                          std::string("system:import"), std::string(65, 'a'), std::string("晶体")})
    EXPECT_FALSE(is_id(bad)) << bad;
  EXPECT_TRUE(is_clean_text("Intraocular lens 晶体 — ok", false));
  EXPECT_FALSE(is_clean_text("a\nb", false));
  EXPECT_TRUE(is_clean_text("a\nb", true));
  EXPECT_FALSE(is_clean_text("\xff", false));
  EXPECT_FALSE(is_clean_text("\xc3\x28", false));      // a broken sequence
  EXPECT_FALSE(is_clean_text("\xc0\xaf", false));      // overlong '/'
  EXPECT_FALSE(is_clean_text("\xed\xa0\x80", false));  // a surrogate
  EXPECT_FALSE(is_clean_text("\xc2\x85", false));      // C1 control (NEL)
  EXPECT_FALSE(is_clean_text(std::string("a\0", 2), true));
}

TEST(Codec, RoundTableRowsAreTyped) {
  const Codec& demand = *table_kind("demand")->codec;
  const json ok =
      demand.decode(json::parse(R"({"institutionId":"H1","productId":"P1","quantity":5})"));
  EXPECT_EQ(ok["quantity"], 5);
  EXPECT_EQ(demand.key_of(ok), "H1/P1");
  struct Bad {
    const char* row;
    const char* field;
  };
  const Bad bad[] = {
      {R"({"institutionId":"H1","productId":"P1","quantity":true})", "quantity"},
      {R"({"institutionId":"H1","productId":"P1","quantity":"5"})", "quantity"},
      {R"({"institutionId":"H1","productId":"P1","quantity":1.5})", "quantity"},
      {R"({"institutionId":"H1","productId":"P1","quantity":-1})", "quantity"},
      {R"({"institutionId":"H1","productId":12345,"quantity":1})", "productId"},
      {R"({"institutionId":"H1","quantity":1})", "productId"},
      {R"({"institutionId":"H1","product_id":"P1","quantity":1})", "product_id"},
      {R"({"institutionId":"H1","productId":"P1","quantity":1,"colour":"red"})", "colour"},
      {R"({"institutionId":"H 1","productId":"P1","quantity":1})", "institutionId"},
  };
  for (const auto& b : bad) {
    try {
      demand.decode(json::parse(b.row));
      ADD_FAILURE() << b.row << " was taken";
    } catch (const FieldError& e) {
      EXPECT_EQ(e.field, b.field) << b.row << ": " << e.what();
    }
  }
  try {
    demand.decode(json::parse(R"({"institution_id":"H1"})"));
  } catch (const FieldError& e) {
    EXPECT_NE(std::string(e.what()).find("'institutionId'"), std::string::npos) << e.what();
  }
  const Codec& product = *table_kind("products")->codec;
  const json p = product.decode_csv({"product_id", "enterprise_id", "category", "basic", "gqce"},
                                    {"P1", "E01", "IOL", "acrylic; one-piece", "yes"});
  EXPECT_EQ(p["basic"], json::array({"acrylic", "one-piece"}));
  EXPECT_EQ(p["gqce"], true);
  EXPECT_THROW(product.decode_csv({"product_id", "colour"}, {"P1", "red"}), FieldError);
  EXPECT_THROW(
      product.decode(
          {{"productId", "P1"}, {"enterpriseId", "E01"}, {"category", std::string(300, 'x')}}),
      FieldError);
  EXPECT_THROW(table_kind("ceilings")->codec->decode({{"productId", "P1"}, {"maxPrice", "0"}}),
               FieldError);
  EXPECT_THROW(
      table_kind("ceilings")->codec->decode({{"productId", "P1"}, {"maxPrice", "1.23456"}}),
      FieldError);
  EXPECT_EQ(snake_case("registrationValidUntil"), "registration_valid_until");
}

TEST(Audience, SealedUntilAnEventThenPublic) {
  const RecordKind& access = *record_kind("access-price");
  const Reader office{Role::kOffice, "office", "CN", false, false};
  const Reader panel{Role::kExpert, "x", "X03", true, false};
  const Reader other_expert{Role::kExpert, "y", "X01", false, false};
  const Reader observer{Role::kObserver, "o", "", false, true};
  const Reader outsider{Role::kObserver, "p", "", false, false};
  const Reader citizen{};
  for (const auto& r : {office, panel, observer})
    EXPECT_TRUE(may_read(access.content, r, RoundPhase::kOpened, ""));
  for (const auto& r : {other_expert, outsider, citizen})
    EXPECT_FALSE(may_read(access.content, r, RoundPhase::kOpened, ""));
  EXPECT_TRUE(may_read(access.content, citizen, RoundPhase::kAwarded, ""));
  const RecordKind& bid = *record_kind("bid");
  const Reader owner{Role::kEnterprise, "e", "E01", false, false};
  const Reader second{Role::kEnterprise, "e2", "E01", false, false};
  const Reader rival{Role::kEnterprise, "r", "E02", false, false};
  const Reader observer_e01{Role::kObserver, "o2", "E01", false, false};
  const std::string e01 = "enterprise:E01";
  EXPECT_EQ(org_owner(Role::kEnterprise, "E01"), e01);
  // Before the deadline a bid (even that it exists) is its enterprise's; at the deadline its
  // commitment is public; its history (who, when, how often) at the opening.
  EXPECT_FALSE(may_read(bid.content, citizen, RoundPhase::kBidding, e01));
  EXPECT_FALSE(may_read(bid.content, office, RoundPhase::kBidding, e01));
  EXPECT_TRUE(may_read(bid.content, owner, RoundPhase::kBidding, e01));
  EXPECT_TRUE(may_read(bid.content, citizen, RoundPhase::kSealed, e01));
  EXPECT_FALSE(may_read(bid.history, citizen, RoundPhase::kSealed, e01));
  EXPECT_FALSE(may_read(bid.history, office, RoundPhase::kSealed, e01));
  EXPECT_TRUE(may_read(bid.history, owner, RoundPhase::kBidding, e01));
  EXPECT_TRUE(may_read(bid.history, second, RoundPhase::kBidding, e01));
  EXPECT_FALSE(may_read(bid.history, rival, RoundPhase::kBidding, e01));
  EXPECT_TRUE(may_read(bid.history, rival, RoundPhase::kOpened, e01));
  // An organisation owns by its role and its id: an observer's account named E01 owns nothing.
  EXPECT_FALSE(may_read(bid.history, observer_e01, RoundPhase::kBidding, e01));
  EXPECT_FALSE(owns(observer_e01, e01));
  EXPECT_EQ(RecordReader::access(bid, observer_e01, RoundPhase::kBidding, false), Access::kNone);
  EXPECT_EQ(RecordReader::access(bid, rival, RoundPhase::kBidding, false), Access::kOwn);
  EXPECT_EQ(RecordReader::access(bid, office, RoundPhase::kBidding, false), Access::kNone);
  const RecordKind& watchlist = *record_kind("watchlist");
  EXPECT_FALSE(may_read(watchlist.content, office, RoundPhase::kAwarded, "user:e"));
  EXPECT_TRUE(may_read(watchlist.content, owner, RoundPhase::kAwarded, "user:e"));
  for (const auto& k : record_kinds()) EXPECT_EQ(record_kind(k.name), &k);
}

TEST(DemandFlags, TwiceTheBasePeriodIsFlagged) {
  // Region N bought 100 of P1 and 50 of P2; its institutions report 201 (flagged), 100 (not).
  const std::map<std::string, std::string> region_of = {{"H1", "N"}, {"H2", "N"}, {"H3", "S"}};
  const std::vector<HistoryLine> history = {
      {"P1", "N", 1000, 60}, {"P1", "N", 1000, 40}, {"P2", "N", 1000, 50}, {"P1", "S", 1000, 0}};
  const std::vector<DemandLine> demand = {{"H1", "P1", 150, false},
                                          {"H2", "P1", 51, false},
                                          {"H1", "P2", 100, false},
                                          {"H3", "P1", 10, false}};
  const auto flags = demand_flags(region_of, history, demand);
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].product_id, "P1");
  EXPECT_EQ(flags[0].region_id, "N");
  EXPECT_EQ(flags[0].reported, 201);
  EXPECT_EQ(flags[0].history, 100);
}

TEST(MedianPriceRatio, TheMedianOverTheReference) {
  // 658.13 / 900.00 = 0.7312... -> 73 hundredths; the median of 3, 1, 2 is 2 (ratio 2.00).
  EXPECT_EQ(median_price_ratio({6'581'300}, 9'000'000), 73);
  EXPECT_EQ(median_price_ratio({30'000, 10'000, 20'000}, 10'000), 200);
  // An even count: the mean of the middle two, (1 + 2) / 2 = 1.5 over 1 -> 150.
  EXPECT_EQ(median_price_ratio({10'000, 20'000, 40'000, 5'000}, 10'000), 150);
  EXPECT_EQ(median_price_ratio({10'000}, 30'000), 33);  // 0.333 -> 33
  EXPECT_EQ(median_price_ratio({20'000}, 30'000), 67);  // 0.666 -> 67 (half up)
  EXPECT_FALSE(median_price_ratio({}, 10'000));
  EXPECT_FALSE(median_price_ratio({10'000}, 0));
}

TEST(CsvCell, FormulasAreWrittenAsText) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
                        {"+1+2", "'+1+2"},
                        {"@SUM(A1)", "'@SUM(A1)"},
                        {"-2+3", "'-2+3"},
                        {"-12.5", "-12.5"},
                        {"+44", "+44"},
                        {"plain", "plain"},
                        {"a,b", "\"a,b\""},
                        {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""}};
  for (const auto& c : cases) EXPECT_EQ(csv_cell(c.in), c.out) << c.in;
}

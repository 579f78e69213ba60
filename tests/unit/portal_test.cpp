// The portal's own rules: numbers, money and dates per language; complete message catalogues;
// templates that escape what they show; which red flags a process can be computed for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "award/engine.hpp"
#include "core/text.hpp"
#include "integrity/applicability.hpp"
#include "io/round_files.hpp"
#include "portal/locale.hpp"
#include "portal/messages.hpp"
#include "portal/page_cache.hpp"
#include "portal/renderer.hpp"
#include "portal/web_files.hpp"
#include "report/report.hpp"
#include "server/path_pattern.hpp"

namespace procura {
namespace {

struct DecimalCase {
  const char* input;
  const char* lang;
  int min_decimals, max_decimals;
  const char* expected;
};

// Routes of the API and the portal: segments, placeholders, decoding.
TEST(PathPattern, MatchesSegmentByPlaceholderAndDecodesValues) {
  struct Case {
    const char* pattern;
    const char* path;
    bool matches;
    std::vector<std::string> values;
  };
  const Case cases[] = {
      {"/", "/", true, {}},
      {"/", "/rounds", false, {}},
      {"/api/rounds/{id}", "/api/rounds/r1", true, {"r1"}},
      {"/api/rounds/{id}", "/api/rounds/", false, {}},
      {"/api/rounds/{id}", "/api/rounds/r1/", false, {}},
      {"/api/rounds/{id}", "/api/rounds", false, {}},
      {"/api/rounds/{id}/bids/{bid}", "/api/rounds/r%2F1/bids/a+b", true, {"r/1", "a+b"}},
      {"/api/objects/{kind}/{id}/revisions",
       "/api/objects/products/r1%2FP1/revisions",
       true,
       {"products", "r1/P1"}},
      {"/products/{id}", "/products/IOL%20041%zz", true, {"IOL 041%zz"}},
      {"/api/feed", "/api/feedx", false, {}},
      {"/api/feed", "api/feed", false, {}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> values{"stale"};
    EXPECT_EQ(PathPattern(c.pattern).match(c.path, values), c.matches)
        << c.pattern << " " << c.path;
    if (c.matches) {
      EXPECT_EQ(values, c.values) << c.path;
    }
  }
  EXPECT_EQ(percent_decoded("a+b%41%4", true), "a bA%4");
  EXPECT_EQ(percent_decoded("a+b%41%4"), "a+bA%4");
  EXPECT_EQ(xml_escaped("<a href=\"x&y\">'</a>"), "&lt;a href=&quot;x&amp;y&quot;&gt;'&lt;/a&gt;");
}

TEST(PortalLocale, DecimalsAreGroupedAndRoundedExactly) {
  const DecimalCase cases[] = {
      {"1234567.8900", "en", 2, 4, "1,234,567.89"},
      {"1234567.8900", "mn", 2, 4, "1,234,567.89"},
      {"1234567.8900", "es", 2, 4, "1.234.567,89"},
      {"1234.5", "es", 2, 4, "1234,50"},  // Spanish groups only from five digits
      {"12345.5", "es", 2, 4, "12.345,50"},
      {"1234567.8900", "zh", 2, 4, "1,234,567.89"},
      {"658.1300", "en", 2, 4, "658.13"},
      {"0.125", "en", 0, 2, "0.13"},  // half away from zero
      {"-0.125", "en", 0, 2, "-0.13"},
      {"999.995", "en", 2, 2, "1,000.00"},  // the carry reaches the integer part
      {"-0.001", "en", 0, 2, "0"},          // no negative zero
      {"3117", "en", 0, -1, "3,117"},
      {"007", "en", 0, -1, "7"},
      {"1e5", "en", 0, -1, "1e5"},  // not a decimal: unchanged
      {"", "en", 0, -1, ""},
      {"12.", "en", 0, -1, "12"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(format_decimal(c.input, locale_for(c.lang), c.min_decimals, c.max_decimals),
              c.expected)
        << c.input << " in " << c.lang;
}

// "数" is E6 95 B0 in UTF-8 (three bytes): a cut never leaves part of it.
TEST(Text, Utf8PrefixNeverCutsACharacter) {
  EXPECT_EQ(utf8_prefix("\xE6\x95\xB0\xE6\x8D\xAE", 4), "\xE6\x95\xB0");
  EXPECT_EQ(utf8_prefix("\xE6\x95\xB0\xE6\x8D\xAE", 6), "\xE6\x95\xB0\xE6\x8D\xAE");
  EXPECT_EQ(utf8_prefix("ab\xE6\x95\xB0", 3), "ab");
  EXPECT_EQ(utf8_prefix("ab\xE6\x95\xB0", 2), "ab");
  EXPECT_EQ(utf8_prefix("abc", 0), "");
  std::string forty;
  for (int i = 0; i < 40; ++i) forty += "\xE6\x95\xB0";
  EXPECT_EQ(utf8_prefix(forty, 100).size(), 99u);  // 33 characters
}

TEST(Text, SplitTrimmedLeavesOutEmptyParts) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split_trimmed("optic material, design ,, optic", ','),
            (V{"optic material", "design", "optic"}));
  EXPECT_EQ(split_trimmed("a\r\n\n  b  \n", '\n'), (V{"a", "b"}));
  EXPECT_EQ(split_trimmed("", ','), V{});
  EXPECT_EQ(split_trimmed(" , ", ','), V{});
  EXPECT_EQ(trimmed("\t x y \r\n"), "x y");
}

TEST(PortalLocale, DecimalCommasTypedInTheLanguageBecomePlainDecimals) {
  const auto& es = locale_for("es");
  const auto& en = locale_for("en");
  const std::vector<std::tuple<std::string, const Locale*, std::string>> cases = {
      {"12,50", &es, "12.50"},
      {"1.234,56", &es, "1234.56"},
      {"1.234.567,8", &es, "1234567.8"},
      {"0,5", &es, "0.5"},
      {"12.50", &es, "12.50"},    // dots alone stay a decimal point
      {"1.234", &es, "1.234"},    // never read as 1234
      {"12,5,0", &es, "12,5,0"},  // not a number: left for the API to refuse
      {"1.23,4", &es, "1.23,4"},  // a group of two digits
      {"1234.567,8", &es, "1234.567,8"},
      {",5", &es, ",5"},
      {"12,", &es, "12,"},
      {"-1,5", &es, "-1,5"},
      {"12,50", &en, "12,50"},  // English has no decimal comma
      {"", &es, ""},
  };
  for (const auto& [typed, locale, want] : cases)
    EXPECT_EQ(plain_decimal(typed, *locale), want) << typed;
}

TEST(PortalLocale, MoneyPercentAndDatesFollowTheLanguage) {
  EXPECT_EQ(format_money("658.1300", "CNY", locale_for("en")), "CN¥658.13");
  EXPECT_EQ(format_money("658.1300", "CNY", locale_for("zh")), "¥658.13");
  EXPECT_EQ(format_money("2051391.21", "CNY", locale_for("es")), "2.051.391,21\u00a0CNY");
  EXPECT_EQ(format_money("1500", "MNT", locale_for("mn")), "₮ 1,500.00");
  EXPECT_EQ(format_money("1500.12345", "USD", locale_for("en")), "US$1,500.1235");
  EXPECT_EQ(format_money("10", "", locale_for("en")), "10.00");
  EXPECT_EQ(format_percent("61.45", locale_for("en")), "61.45%");
  EXPECT_EQ(format_percent("61.45", locale_for("es")), "61,45\u00a0%");
  EXPECT_EQ(format_count(1234567, locale_for("mn")), "1,234,567");
  EXPECT_EQ(format_date("2020-06-15T09:00:00Z", locale_for("en")), "15 Jun 2020 09:00 UTC");
  EXPECT_EQ(format_date("2020-06-15", locale_for("mn")), "2020.06.15");
  EXPECT_EQ(format_date("2020-09-01", locale_for("es")), "1 sept 2020");
  EXPECT_EQ(format_date("2020-09-01", locale_for("zh")), "2020年9月1日");
  EXPECT_EQ(format_date("2019", locale_for("en")), "2019");
  EXPECT_EQ(format_date("2020-13-01", locale_for("en")), "2020-13-01");
  EXPECT_EQ(locale_for("xx").lang, "en");
}

TEST(PortalMessages, TheLanguageComesFromTheAskOrTheBrowser) {
  const Messages m(builtin_web_files());
  struct Case {
    const char* asked;
    const char* header;
    const char* expected;
  } cases[] = {
      {"mn", "", "mn"},
      {"", "mn-MN,mn;q=0.9,en;q=0.8", "mn"},
      {"", "fr-FR, es;q=0.8", "es"},
      {"", "ZH-cn", "zh"},
      {"xx", "", "en"},
      {"", "", "en"},
      {"es", "mn", "es"},
  };
  for (const auto& c : cases) EXPECT_EQ(m.choose(c.asked, c.header), c.expected) << c.header;
  EXPECT_EQ(m.text("en", "pager_label", {{"page", "2"}, {"pages", "5"}}), "Page 2 of 5");
  EXPECT_EQ(m.text("en", "no_such_key"), "no_such_key");
}

std::string read(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::set<std::string> placeholders(const std::string& text) {
  std::set<std::string> out;
  static const std::regex re(R"(\{\w+\})");
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    out.insert(it->str());
  return out;
}

TEST(PortalMessages, EveryCatalogueIsCompleteWithTheSamePlaceholders) {
  const std::filesystem::path dir = std::filesystem::path(PROCURA_SOURCE_DIR) / "web" / "i18n";
  const auto en = nlohmann::json::parse(read(dir / "en.json"));
  int languages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto c = nlohmann::json::parse(read(entry.path()));
    ++languages;
    for (const auto& [key, text] : en.items()) {
      ASSERT_TRUE(c.contains(key)) << entry.path().filename() << " lacks " << key;
      EXPECT_EQ(placeholders(c[key]), placeholders(text)) << entry.path().filename() << " " << key;
    }
    for (const auto& [key, text] : c.items())
      EXPECT_TRUE(en.contains(key)) << entry.path().filename() << " has unknown " << key;
  }
  EXPECT_GE(languages, 2);
}

// Every message a template or a page names is in the English catalogue, and so are the
// messages named by a prefix and a domain value (stages, statuses, metrics).
TEST(PortalMessages, EveryKeyUsedIsDefined) {
  const Messages m(builtin_web_files());
  const auto& en = m.catalogue("en");
  const std::filesystem::path root(PROCURA_SOURCE_DIR);
  static const std::regex in_template(R"(\{\{t\.(\w+)\}\})");
  for (const auto& f : builtin_web_files()) {
    const std::string text(f.text);
    if (std::string(f.name).rfind("templates/", 0) != 0) continue;
    for (std::sregex_iterator it(text.begin(), text.end(), in_template), end; it != end; ++it)
      EXPECT_TRUE(en.contains((*it)[1].str())) << f.name << " uses " << (*it)[1];
  }
  static const std::regex in_code(R"(\bt\("([a-z_A-Z0-9-]+)\")");
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root / "src" / "portal")) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string text = read(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), in_code), end; it != end; ++it) {
      const std::string key = (*it)[1];
      if (key.back() == '_') continue;  // a prefix, checked below
      EXPECT_TRUE(en.contains(key)) << entry.path().filename() << " uses " << key;
    }
  }
  for (const char* phase : {"draft", "bidding", "sealed", "awaiting_opening", "opened", "awarded"})
    EXPECT_TRUE(en.contains(std::string("phase_") + phase)) << phase;
  for (auto s :
       {BidStatus::kWon, BidStatus::kEliminated, BidStatus::kInvalid, BidStatus::kWithdrawn,
        BidStatus::kLate, BidStatus::kTampered, BidStatus::kMissing})
    EXPECT_TRUE(en.contains(std::string("bid_") + bid_status_name(s))) << bid_status_name(s);
  for (auto s :
       {GroupStatus::kAwarded, GroupStatus::kFailed, GroupStatus::kNegotiation, GroupStatus::kHeld})
    EXPECT_TRUE(en.contains(std::string("group_") + group_status_name(s)));
  // Every metric of a real results report has a label.
  const LoadedRound loaded = load_round_folder((root / "examples" / "iol-3n-2020").string());
  const auto results = result_json(loaded.input, run_round(loaded.input));
  std::function<void(const nlohmann::json&, const std::string&)> labelled =
      [&](const nlohmann::json& metrics, const std::string& prefix) {
        for (const auto& [k, v] : metrics.items()) {
          if (v.is_object())
            labelled(v, prefix + k + "_");
          else
            EXPECT_TRUE(en.contains("metric_" + prefix + k)) << prefix + k;
        }
      };
  labelled(results["metrics"], "");
}

TEST(PortalRenderer, ValuesAreEscapedAndPartialsResolve) {
  const std::string page =
      "{{> _wrap}}<p>{{text}}</p><p>{{{raw}}}</p>{{#none}}x{{/none}}{{^zero}}z{{/zero}}";
  const std::vector<WebFile> files = {{"templates/page.mustache", page},
                                      {"templates/_wrap.mustache", "<h1>{{title}}</h1>"}};
  const Renderer r(files);
  const auto out = r.render("page", {{"title", "A & B"},
                                     {"text", "<script>alert(1)</script>"},
                                     {"raw", "<b>ok</b>"},
                                     {"none", ""},
                                     {"zero", 0}});
  EXPECT_EQ(out, "<h1>A &amp; B</h1><p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p><b>ok</b></p>z");
  EXPECT_THROW(r.render("missing", {}), std::out_of_range);
  const std::vector<WebFile> broken = {{"templates/bad.mustache", "{{#open}}never closed"}};
  try {
    Renderer bad(broken);
    FAIL() << "an unclosed section must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("templates/bad.mustache"), std::string::npos);
  }
}

TEST(PortalRenderer, EveryBuiltInTemplateParses) {
  EXPECT_NO_THROW(Renderer{builtin_web_files()});
  int templates = 0;
  for (const auto& f : builtin_web_files())
    if (std::string(f.name).rfind("templates/", 0) == 0) ++templates;
  EXPECT_GE(templates, 15);
}

TEST(PageCache, EachVisitorGetsTheKeptPageWithItsOwnFormToken) {
  ApiResponse page;
  page.content_type = "text/html; charset=utf-8";
  page.body = "<form><input name=csrf value=TOKENAAAA></form><p>x</p><input value=TOKENAAAA>";
  page.headers = {{"Set-Cookie", "procura_csrf=TOKENAAAA"}, {"Content-Language", "en"}};
  const auto kept = PageCache::keep(page, "TOKENAAAA");
  ASSERT_EQ(kept->parts.size(), 3u);
  const ApiResponse other =
      PageCache::serve(*kept, "TOKENBBBB", {{"Set-Cookie", "procura_csrf=TOKENBBBB"}});
  EXPECT_EQ(other.body,
            "<form><input name=csrf value=TOKENBBBB></form><p>x</p><input value=TOKENBBBB>");
  EXPECT_EQ(other.content_type, page.content_type);
  // The visitor's own cookie, never the one the page was rendered with.
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Set-Cookie", "procura_csrf=TOKENBBBB"}, {"Content-Language", "en"}};
  EXPECT_EQ(other.headers, headers);
  // A page without a form is kept whole.
  page.body = "<p>no form</p>";
  EXPECT_EQ(PageCache::serve(*PageCache::keep(page, "TOKENAAAA"), "TOKENCCCC", {}).body,
            "<p>no form</p>");
}

TEST(PageCache, ConcurrentVisitorsWaitForOneRendering) {
  PageCache cache(1 << 20);
  std::atomic<int> renders = 0;
  std::atomic<bool> go = false;
  auto make = [&]() -> std::shared_ptr<const PageCache::Kept> {
    ++renders;
    while (!go) std::this_thread::yield();  // every other visitor arrives meanwhile
    auto k = std::make_shared<PageCache::Kept>();
    k->parts = {"page"};
    return k;
  };
  std::vector<std::thread> visitors;
  std::atomic<int> served = 0, arrived = 0;
  for (int i = 0; i < 8; ++i)
    visitors.emplace_back([&] {
      ++arrived;
      served += cache.get_or_make("/rounds/r1", make)->parts[0] == "page";
    });
  // The first rendering holds until every visitor has come (each finds it rendering, or kept).
  while (renders == 0 || arrived < 8) std::this_thread::yield();
  go = true;
  for (auto& t : visitors) t.join();
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(served, 8);
  // Kept: a later visitor renders nothing; another key renders anew.
  cache.get_or_make("/rounds/r1", make);
  EXPECT_EQ(renders, 1);
  cache.get_or_make("/rounds/r2", make);
  EXPECT_EQ(renders, 2);
  // An answer not to be kept (nullptr) is rendered by each visitor.
  int own = 0;
  auto personal = [&]() -> std::shared_ptr<const PageCache::Kept> {
    ++own;
    return nullptr;
  };
  EXPECT_EQ(cache.get_or_make("/watch", personal), nullptr);
  EXPECT_EQ(cache.get_or_make("/watch", personal), nullptr);
  EXPECT_EQ(own, 2);
  // A rendering that fails is not kept, and the next visitor renders again.
  EXPECT_THROW(cache.get_or_make("/bad",
                                 []() -> std::shared_ptr<const PageCache::Kept> {
                                   throw std::runtime_error("no page");
                                 }),
               std::runtime_error);
  EXPECT_EQ(cache.get_or_make("/bad", make)->parts[0], "page");
}

TEST(Applicability, IndicatorsNeedTheFieldsTheyRead) {
  const auto release = nlohmann::json::parse(R"({
    "tender": {"numberOfTenderers": 2, "procurementMethod": "open",
               "tenderPeriod": {"startDate": "2020-01-01T00:00:00Z"}},
    "bids": {"details": [{"status": "valid", "value": {"amount": 10}, "tenderers": [{"id": "a"}]},
                         {"status": "valid", "value": {"amount": 12}, "tenderers": [{"id": "b"}]}]},
    "awards": [{"id": "1", "items": [{"classification": {"id": "35658"},
                                      "unit": {"value": {"amount": 10}}}]}]})");
  struct Case {
    const char* code;
    bool expected;
  } cases[] = {{"R018", true}, {"R003", false},  // no end date
               {"R024", true}, {"R058", true},  {"R028", true}, {"R030", false},
               {"P001", true}, {"P003", true},  {"R999", false}};
  for (const auto& c : cases)
    EXPECT_EQ(integrity::computable(c.code, release), c.expected) << c.code;
  EXPECT_FALSE(integrity::computable("R018", nlohmann::json::object()));
  EXPECT_FALSE(integrity::computable("R024", nlohmann::json::parse(R"({"awards": [{}]})")));
}

}  // namespace
}  // namespace procura

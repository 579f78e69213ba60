#include "core/money.hpp"

#include <gtest/gtest.h>

#include "core/percent.hpp"

using namespace procura;

TEST(Money, ParsesExactDecimals) {
  struct Case {
    const char* text;
    int decimals;
    std::optional<Price> want;
  };
  const Case cases[] = {{"5200", 4, 52'000'000},
                        {"112.3267", 4, 1'123'267},
                        {"0.1", 4, 1'000},
                        {"0.10", 2, 1'000},
                        {"-1.5", 4, -15'000},
                        {"1.234", 2, std::nullopt},
                        {"1e3", 4, std::nullopt},
                        {"1,000", 4, std::nullopt},
                        {"", 4, std::nullopt},
                        {".", 4, std::nullopt},
                        {"1.", 4, std::nullopt},
                        {"12.00001", 4, std::nullopt},
                        {"999999999999999999", 4, std::nullopt}};
  for (const auto& c : cases) EXPECT_EQ(parse_price(c.text, c.decimals), c.want) << c.text;
}

TEST(Money, FormatsWithHalfUpRounding) {
  EXPECT_EQ(format_price(1'123'267), "112.3267");
  EXPECT_EQ(format_price(1'123'267, 2), "112.33");
  EXPECT_EQ(format_price(1'123'250, 2), "112.33");  // half up
  EXPECT_EQ(format_price(1'123'249, 2), "112.32");
  EXPECT_EQ(format_price(-15'000, 2), "-1.50");
  EXPECT_EQ(format_amount(Wide(1) << 70, 0), "118059162071741130");  // 2^70 / 10^4, rounded
  EXPECT_EQ(to_string(Wide(0)), "0");
}

TEST(Money, ParsesUnits) {
  EXPECT_EQ(parse_units("596327"), 596327);
  EXPECT_EQ(parse_units("-1"), std::nullopt);
  EXPECT_EQ(parse_units("1.0"), std::nullopt);
  EXPECT_EQ(parse_units(""), std::nullopt);
}

TEST(Percent, PublishesTwoDecimalsHalfUp) {
  EXPECT_EQ(publish_percent(Fraction{19, 37}), "51.35");
  EXPECT_EQ(publish_percent(Fraction{1, 8}), "12.50");
  EXPECT_EQ(publish_percent(Fraction{5581, 10'000}), "55.81");
  EXPECT_EQ(publish_percent(Fraction{558'05, 1'000'000}), "5.58");
  EXPECT_EQ(publish_percent(Fraction{1, 0}), "");
  EXPECT_EQ(publish_percent(0.558149L), "55.81");
  EXPECT_EQ(publish_percent(0.558151L), "55.82");
  EXPECT_EQ(publish_percent(one_minus_ratio(3054, 20000)), "84.73");
}

TEST(Percent, MoneyWeightedSavingsIsNotTheCountWeightedMean) {
  // domain.md §1.1: (25 x 55.81 + 19 x 34.02) / 44 = 46.40 != 48.18, so totals weigh by money.
  long double count_weighted = (25 * 0.5581L + 19 * 0.3402L) / 44;
  EXPECT_EQ(publish_percent(count_weighted), "46.40");
}

#include "io/round_files.hpp"

#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "core/error.hpp"
#include "io/csv_reader.hpp"

namespace procura {

namespace fs = std::filesystem;

const std::vector<RoundFile>& round_files() {
  static const std::vector<RoundFile> files = {
      {"round.json", true},         {"regions.csv", true},
      {"institutions.csv", true},   {"enterprises.csv", true},
      {"products.csv", true},       {"history.csv", false},
      {"demand.csv", true},         {"group_demand.csv", false},
      {"ceilings.csv", false},      {"bids.csv", false},
      {"access_prices.csv", false}, {"offers.csv", false},
      {"revivals.csv", false},      {"region_preferences.csv", false}};
  return files;
}

namespace {

using IdSet = std::unordered_set<std::string>;

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    std::size_t end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    std::string item(s.substr(start, end - start));
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

void check_ref(const CsvRow& row, int col, const IdSet& ids, const char* what) {
  if (!ids.count(std::string(row.text(col))))
    row.fail(col, std::string("the id of a known ") + what);
}

void check_new(const CsvRow& row, int col, IdSet& ids) {
  if (!ids.insert(std::string(row.text(col))).second)
    row.fail(col, "an id not used before in this file");
}

// A party's identifier from the columns identifier_scheme (`col`) and identifier_id (`col` + 1).
PartyIdentifier identifier_of(const CsvRow& row, int col) {
  PartyIdentifier i{std::string(row.text(col)), std::string(row.text(col + 1))};
  if (auto [part, expected] = identifier_problem(i); !part.empty())
    row.fail(part == "scheme" ? col : col + 1, expected);
  return i;
}

class Loader {
 public:
  Loader(std::string dir, const std::function<void(std::size_t, std::size_t)>& progress,
         std::vector<InputError>& problems)
      : dir_(std::move(dir)), progress_(progress), problems_(problems) {}

  LoadedRound load() {
    if (!fs::is_directory(dir_)) throw InputError(dir_, 0, "", "not a folder");
    for (const auto& f : round_files()) {
      fs::path p = fs::path(dir_) / f.name;
      if (fs::exists(p))
        total_ += fs::file_size(p);
      else if (f.required && std::string(f.name) == "round.json")
        throw InputError(p.string(), 0, "", "required file is missing");
      else if (f.required)
        note(InputError(p.string(), 0, "", "required file is missing"));
    }
    crypto_generichash_init(&hash_, nullptr, 0, 32);
    read_round_rules(path("round.json"), out_.input);
    hash_file("round.json");
    auto& in = out_.input;
    if (in.profile.require_mainstream && !fs::exists(path("history.csv")))
      note(InputError(path("history.csv"), 0, "",
                      "missing: profile '" + in.profile.id +
                          "' takes the mainstream products from the base-period history"));
    const int dec = in.profile.price_decimals;
    IdSet regions, institutions, enterprises, products, seen;

    csv("regions.csv", {{"region_id", true}, {"name", false}}, [&](const CsvRow& r) {
      check_new(r, 0, regions);
      in.regions.push_back({r.required(0), std::string(r.text(1))});
    });
    csv("institutions.csv",
        {{"institution_id", true},
         {"name", false},
         {"region_id", true},
         {"identifier_scheme", false},
         {"identifier_id", false}},
        [&](const CsvRow& r) {
          check_new(r, 0, institutions);
          check_ref(r, 2, regions, "region (regions.csv)");
          in.institutions.push_back(
              {r.required(0), std::string(r.text(1)), r.required(2), identifier_of(r, 3)});
        });
    csv("enterprises.csv",
        {{"enterprise_id", true},
         {"name", false},
         {"supply_capacity_ok", false},
         {"credit_ok", false},
         {"licence", false},
         {"consortium_id", false},
         {"manufacturer_id", false},
         {"identifier_scheme", false},
         {"identifier_id", false}},
        [&](const CsvRow& r) {
          check_new(r, 0, enterprises);
          Enterprise e;
          e.id = r.required(0);
          e.name = r.text(1);
          e.supply_capacity_ok = r.flag(2, true);
          e.credit_ok = r.flag(3, true);
          auto lic = r.text(4);
          if (!lic.empty() && lic != "A" && lic != "B")
            r.fail(4, "A (own manufacture) or B (contract-manufactured)");
          e.licence = lic.empty() ? 'A' : lic[0];
          e.consortium_id = r.text(5);
          e.manufacturer_id = r.text(6);
          e.identifier = identifier_of(r, 7);
          in.enterprises.push_back(std::move(e));
        });
    const std::size_t nattr = in.attribute_names.size();
    csv("products.csv",
        {{"product_id", true},
         {"enterprise_id", true},
         {"name", false},
         {"category", true},
         {"registration_id", false},
         {"registration_valid_until", false},
         {"gqce", false},
         {"originator", false},
         {"under_negotiation", false},
         {"basic", false},
         {"additional", false},
         {"unit", false},
         {"strength", false},
         {"classification_scheme", false},
         {"classification_id", false}},
        [&](const CsvRow& r) {
          check_new(r, 0, products);
          check_ref(r, 1, enterprises, "enterprise (enterprises.csv)");
          Product p;
          p.id = r.required(0);
          p.enterprise_id = r.required(1);
          p.name = r.text(2);
          p.category = r.required(3);
          p.registration_id = r.text(4);
          p.registration_valid_until = r.text(5);
          if (!p.registration_valid_until.empty() &&
              (p.registration_valid_until.size() != 10 || p.registration_valid_until[4] != '-'))
            r.fail(5, "a date such as 2024-12-31");
          p.gqce = r.flag(6, false);
          p.originator = r.flag(7, false);
          p.under_negotiation = r.flag(8, false);
          p.basic = split_list(r.text(9));
          if (nattr > 0 && p.basic.size() != nattr)
            r.fail(9, std::to_string(nattr) + " ';'-separated values (" + std::to_string(nattr) +
                          " basic attributes in round.json)");
          p.additional = split_list(r.text(10));
          std::sort(p.additional.begin(), p.additional.end());
          p.additional.erase(std::unique(p.additional.begin(), p.additional.end()),
                             p.additional.end());
          if (!r.text(11).empty()) p.unit = r.text(11);
          p.strength_milli = r.milli(12);
          p.classification_scheme = r.text(13);
          p.classification_id = r.text(14);
          in.products.push_back(std::move(p));
        });
    csv("history.csv",
        {{"product_id", true}, {"region_id", true}, {"price", true}, {"quantity", true}},
        [&](const CsvRow& r) {
          check_ref(r, 0, products, "product (products.csv)");
          in.history.push_back({r.required(0), r.required(1), r.price(2, 4), r.units(3)});
        });
    csv("demand.csv",
        {{"institution_id", true}, {"product_id", true}, {"quantity", true}, {"by_brand", false}},
        [&](const CsvRow& r) {
          check_ref(r, 0, institutions, "institution (institutions.csv)");
          check_ref(r, 1, products, "product (products.csv)");
          in.demand.push_back({r.required(0), r.required(1), r.units(2), r.flag(3, false)});
        });
    csv("group_demand.csv",
        {{"institution_id", true},
         {"category", true},
         {"basic", false},
         {"additional", false},
         {"quantity", true}},
        [&](const CsvRow& r) {
          check_ref(r, 0, institutions, "institution (institutions.csv)");
          GroupDemandLine g{r.required(0), r.required(1), split_list(r.text(2)),
                            split_list(r.text(3)), r.units(4)};
          if (nattr > 0 && g.basic.size() != nattr)
            r.fail(2, std::to_string(nattr) + " ';'-separated values (" + std::to_string(nattr) +
                          " basic attributes in round.json)");
          std::sort(g.additional.begin(), g.additional.end());
          g.additional.erase(std::unique(g.additional.begin(), g.additional.end()),
                             g.additional.end());
          in.group_demand.push_back(std::move(g));
        });
    seen.clear();
    csv("ceilings.csv", {{"product_id", true}, {"max_price", true}}, [&](const CsvRow& r) {
      check_ref(r, 0, products, "product (products.csv)");
      check_new(r, 0, seen);
      in.ceilings.push_back({r.required(0), r.price(1, dec)});
    });
    seen.clear();
    csv("bids.csv",
        {{"product_id", true},
         {"price", true},
         {"submitted_at", true},
         {"nonce", false},
         {"commitment", false}},
        [&](const CsvRow& r) {
          check_ref(r, 0, products, "product (products.csv)");
          check_new(r, 0, seen);
          Bid b{r.required(0), r.price(1, 4), r.required(2), std::string(r.text(3)),
                std::string(r.text(4))};
          if (b.submitted_at.size() != 20 || b.submitted_at[10] != 'T' || b.submitted_at[19] != 'Z')
            r.fail(2, "a UTC time such as 2020-06-01T09:00:00Z");
          if (!b.commitment.empty() &&
              (b.commitment.size() != 64 ||
               b.commitment.find_first_not_of("0123456789abcdef") != std::string::npos))
            r.fail(4, "64 lower-case hex digits (BLAKE2b-256)");
          in.bids.push_back(std::move(b));
        });
    seen.clear();
    csv("access_prices.csv", {{"product_id", true}, {"access_price", true}, {"panel", false}},
        [&](const CsvRow& r) {
          check_ref(r, 0, products, "product (products.csv)");
          check_new(r, 0, seen);
          in.access_prices.push_back({r.required(0), r.price(1, 4), std::string(r.text(2))});
        });
    csv("offers.csv", {{"product_id", true}, {"negotiation_round", true}, {"price", true}},
        [&](const CsvRow& r) {
          check_ref(r, 0, products, "product (products.csv)");
          long round = r.integer(1);
          if (round < 1 || round > in.profile.negotiation_rounds)
            r.fail(1, "a negotiation round from 1 to " +
                          std::to_string(in.profile.negotiation_rounds));
          in.offers.push_back({r.required(0), static_cast<int>(round), r.price(2, dec)});
        });
    csv("revivals.csv", {{"product_id", true}, {"accepted", true}}, [&](const CsvRow& r) {
      check_ref(r, 0, products, "product (products.csv)");
      in.revivals.push_back({r.required(0), r.flag(1, false)});
    });
    csv("region_preferences.csv", {{"product_id", true}, {"rank", true}, {"region_id", true}},
        [&](const CsvRow& r) {
          check_ref(r, 0, products, "product (products.csv)");
          check_ref(r, 2, regions, "region (regions.csv)");
          in.region_preferences.push_back(
              {r.required(0), static_cast<int>(r.integer(1)), r.required(2)});
        });

    unsigned char digest[32];
    crypto_generichash_final(&hash_, digest, sizeof digest);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    out_.digest = hex;
    return std::move(out_);
  }

 private:
  std::string path(const char* name) const { return (fs::path(dir_) / name).string(); }

  void hash(std::string_view bytes) {
    crypto_generichash_update(&hash_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
  }

  void hash_file(const char* name) {
    hash(std::string("\n--") + name + "\n");
    std::ifstream f(path(name), std::ios::binary);
    std::vector<char> buf(1 << 16);
    while (f.read(buf.data(), static_cast<std::streamsize>(buf.size())) || f.gcount() > 0) {
      hash(std::string_view(buf.data(), static_cast<std::size_t>(f.gcount())));
      done_ += static_cast<std::size_t>(f.gcount());
    }
  }

  // A problem of the folder, kept to report with the others.
  void note(const InputError& e) {
    if (problems_.size() < kMostProblems) problems_.push_back(e);
  }

  // Reads one table; its bytes are hashed and counted as they are read, once. A row's problem
  // is noted and the next row read; a problem of the file itself (its header) ends the file.
  void csv(const char* name, const std::vector<CsvColumn>& cols,
           const std::function<void(const CsvRow&)>& fn) {
    if (!fs::exists(path(name))) return;
    hash(std::string("\n--") + name + "\n");
    try {
      out_.rows += read_csv(
          path(name), cols,
          [&](const CsvRow& r) {
            try {
              fn(r);
            } catch (const InputError& e) {
              note(e);
            }
          },
          [&](std::string_view chunk) {
            hash(chunk);
            done_ += chunk.size();
            if (progress_) progress_(done_, total_);
          });
    } catch (const InputError& e) {
      note(e);
    }
  }

  std::string dir_;
  const std::function<void(std::size_t, std::size_t)>& progress_;
  std::vector<InputError>& problems_;
  LoadedRound out_;
  crypto_generichash_state hash_;
  std::size_t total_ = 0, done_ = 0;
};

}  // namespace

LoadedRound load_round_folder(const std::string& dir,
                              const std::function<void(std::size_t, std::size_t)>& progress,
                              std::vector<InputError>* problems) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::vector<InputError> found;
  LoadedRound out = Loader(dir, progress, found).load();
  if (problems) {
    problems->insert(problems->end(), found.begin(), found.end());
  } else if (!found.empty()) {
    throw found.front();
  }
  return out;
}

}  // namespace procura

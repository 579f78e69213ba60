#include "generator.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <unordered_set>

#include "ocds/round_releases.hpp"
#include "tender/commitment.hpp"

namespace procura {

RoundInput generate_round(const GeneratorSpec& s) {
  std::mt19937_64 rng(s.seed);
  auto uniform = [&](long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng); };
  RoundInput in;
  in.id = "gen-" + std::to_string(s.seed);
  in.title = "Generated round";
  in.buyer_id = "GEN-ALLIANCE";
  in.buyer_name = "Generated alliance";
  in.attribute_names = {"form"};
  in.profile = builtin_profile(s.profile);
  in.timeline = {"2024", "2025-03-01T09:00:00Z", "2025-03-01T10:00:00Z", "2025-04-01T17:00:00Z",
                 "2025-07-01"};
  for (int r = 0; r < s.regions; ++r)
    in.regions.push_back({"R" + std::to_string(r), "Region " + std::to_string(r)});
  for (int i = 0; i < s.institutions; ++i)
    in.institutions.push_back(
        {"I" + std::to_string(i), "", "R" + std::to_string(uniform(0, s.regions - 1))});
  for (int e = 0; e < s.enterprises; ++e)
    in.enterprises.push_back({"E" + std::to_string(e), "", uniform(0, 99) > 1, true,
                              uniform(0, 9) == 0 ? 'B' : 'A', "", ""});

  // Group sizes: skewed, every group at least one product.
  std::vector<int> size(static_cast<std::size_t>(s.groups), 1);
  for (int p = s.groups; p < s.products; ++p) {
    int g = static_cast<int>(std::min<long>(
        s.groups - 1,
        static_cast<long>(std::exponential_distribution<double>(4.0 / s.groups)(rng))));
    if (size[g] >= s.enterprises) g = static_cast<int>(uniform(0, s.groups - 1));
    ++size[g];
  }
  int pid = 0;
  for (int g = 0; g < s.groups; ++g) {
    std::vector<int> ents;
    while (static_cast<int>(ents.size()) < std::min(size[g], s.enterprises)) {
      int e = static_cast<int>(uniform(0, s.enterprises - 1));
      if (std::find(ents.begin(), ents.end(), e) == ents.end()) ents.push_back(e);
    }
    const Price ref_level = uniform(10, 100'000) * 100;
    for (int k = 0; k < size[g]; ++k) {
      Product p;
      p.id = "P" + std::to_string(pid++);
      p.enterprise_id = "E" + std::to_string(ents[static_cast<std::size_t>(k) % ents.size()]);
      p.category = "M" + std::to_string(g);
      p.registration_id = "REG" + p.id;
      p.gqce = uniform(0, 19) != 0;
      p.basic = {g % 3 == 0 ? "tablet" : g % 3 == 1 ? "capsule" : "injection"};
      p.unit = "tablet";
      p.strength_milli = 10'000;
      const Price ref = ref_level + uniform(-ref_level / 10, ref_level / 10);
      in.products.push_back(p);
      in.history.push_back(
          {p.id, "R" + std::to_string(uniform(0, s.regions - 1)), ref, uniform(100, 10'000)});
      in.ceilings.push_back({p.id, ref});
      if (size[g] >= 3) {
        if (uniform(0, 9) != 0) {
          Bid b{p.id, ref * uniform(20, 95) / 100 / 100 * 100,
                "2025-02-2" + std::to_string(uniform(0, 8)) + "T08:00:00Z",
                "n" + std::to_string(uniform(0, 1'000'000)), ""};
          in.bids.push_back(std::move(b));
        }
      } else {
        in.access_prices.push_back({p.id, ref * 70 / 100 / 100 * 100, "X1;X2;X3"});
        Price offer = ref * uniform(60, 90) / 100 / 100 * 100;
        for (int round = 1; round <= uniform(1, 3); ++round, offer = offer * 95 / 100 / 100 * 100)
          in.offers.push_back({p.id, round, offer});
      }
      if (uniform(0, 9) == 0) in.revivals.push_back({p.id, true});
    }
  }
  // Each institution reports its own list, so lines come institution by institution.
  in.demand.reserve(static_cast<std::size_t>(s.demand_lines));
  std::vector<int> lines(static_cast<std::size_t>(s.institutions), 0);
  for (long d = 0; d < s.demand_lines; ++d)
    ++lines[static_cast<std::size_t>(uniform(0, s.institutions - 1))];
  // An institution states each product once (a second line for it is refused at import).
  for (int i = 0; i < s.institutions; ++i) {
    const int wanted = std::min(lines[static_cast<std::size_t>(i)], s.products);
    std::unordered_set<long> listed;
    while (static_cast<int>(listed.size()) < wanted) {
      const long product = uniform(0, s.products - 1);
      if (!listed.insert(product).second) continue;
      in.demand.push_back({"I" + std::to_string(i), "P" + std::to_string(product),
                           uniform(1, 5'000), uniform(0, 19) == 0});
    }
  }
  return in;
}

void write_round_folder(const RoundInput& in, const std::string& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  auto open = [&](const char* name) { return std::ofstream(fs::path(dir) / name); };
  {
    auto f = open("round.json");
    nlohmann::json j = {{"id", in.id},
                        {"title", in.title},
                        {"buyer", {{"id", in.buyer_id}, {"name", in.buyer_name}}},
                        {"attributes", in.attribute_names},
                        {"profile", in.profile.id},
                        {"timeline",
                         {{"basePeriod", in.timeline.base_period},
                          {"bidDeadline", in.timeline.bid_deadline},
                          {"bidOpening", in.timeline.bid_opening},
                          {"negotiationEnd", in.timeline.negotiation_end},
                          {"contractStart", in.timeline.contract_start}}}};
    f << j.dump(2) << "\n";
  }
  auto f = open("regions.csv");
  f << "region_id,name\n";
  for (const auto& r : in.regions) f << r.id << ',' << r.name << '\n';
  f = open("institutions.csv");
  f << "institution_id,name,region_id\n";
  for (const auto& i : in.institutions) f << i.id << ',' << i.name << ',' << i.region_id << '\n';
  f = open("enterprises.csv");
  f << "enterprise_id,name,supply_capacity_ok,credit_ok,licence\n";
  for (const auto& e : in.enterprises)
    f << e.id << ',' << e.name << ',' << e.supply_capacity_ok << ',' << e.credit_ok << ','
      << e.licence << '\n';
  f = open("products.csv");
  f << "product_id,enterprise_id,category,registration_id,gqce,basic,unit,strength\n";
  for (const auto& p : in.products)
    f << p.id << ',' << p.enterprise_id << ',' << p.category << ',' << p.registration_id << ','
      << p.gqce << ',' << p.basic[0] << ',' << p.unit << ','
      << format_price(p.strength_milli * 10, 3) << '\n';
  f = open("history.csv");
  f << "product_id,region_id,price,quantity\n";
  for (const auto& h : in.history)
    f << h.product_id << ',' << h.region_id << ',' << format_price(h.price) << ',' << h.quantity
      << '\n';
  f = open("demand.csv");
  f << "institution_id,product_id,quantity,by_brand\n";
  for (const auto& d : in.demand)
    f << d.institution_id << ',' << d.product_id << ',' << d.quantity << ',' << d.by_brand << '\n';
  f = open("ceilings.csv");
  f << "product_id,max_price\n";
  for (const auto& c : in.ceilings)
    f << c.product_id << ',' << format_price(c.max_price, in.profile.price_decimals) << '\n';
  f = open("bids.csv");
  f << "product_id,price,submitted_at,nonce\n";
  for (const auto& b : in.bids)
    f << b.product_id << ',' << format_price(b.price) << ',' << b.submitted_at << ',' << b.nonce
      << '\n';
  f = open("access_prices.csv");
  f << "product_id,access_price,panel\n";
  for (const auto& a : in.access_prices)
    f << a.product_id << ',' << format_price(a.price) << ',' << a.panel << '\n';
  f = open("offers.csv");
  f << "product_id,negotiation_round,price\n";
  for (const auto& o : in.offers)
    f << o.product_id << ',' << o.round << ',' << format_price(o.price, in.profile.price_decimals)
      << '\n';
  f = open("revivals.csv");
  f << "product_id,accepted\n";
  for (const auto& r : in.revivals) f << r.product_id << ',' << r.accepted << '\n';
}

}  // namespace procura

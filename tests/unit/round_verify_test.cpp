// `procura round verify` on a national-scale round (issue 13): a generated round of 1,000 groups
// imported into a fresh platform, opened and awarded, downloaded as the public downloads it
// (GET /api/rounds/{id}/open-data) and recomputed by the procura binary from that file alone;
// then copies with one opened bid, one allocated volume or one winner's price changed, each of
// which must fail naming the item.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../../bench/generator.hpp"
#include "core/clock.hpp"
#include "io/round_files.hpp"
#include "io/temp_dir.hpp"
#include "server/api.hpp"
#include "storage/platform_store.hpp"

using namespace procura;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct Verified {
  int status = 0;
  std::string out;
};

Verified verify(const fs::path& file) {
  const std::string command =
      std::string(PROCURA_BINARY) + " round verify --most 5 '" + file.string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  Verified run;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    run.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

fs::path write(const fs::path& dir, const std::string& name, const json& data) {
  const fs::path file = dir / name;
  std::ofstream(file) << data.dump();
  return file;
}

}  // namespace

TEST(RoundVerify, ANationalRoundIsRecomputedFromItsOpenDataAndEveryChangeIsNamed) {
  TempDir dir("", "procura-round-verify");
  GeneratorSpec spec;
  spec.groups = 1000;
  spec.products = 20000;
  spec.enterprises = 1000;
  spec.regions = 31;
  spec.institutions = 5000;
  spec.demand_lines = 200000;
  const RoundInput generated = generate_round(spec);
  write_round_folder(generated, (dir.path() / "national").string());
  auto store = open_platform_store((dir.path() / "national.db").string(), 4);
  KeyStore keys((dir.path() / "keys").string());
  FixedClock clock(1'900'000'000);
  Api api(*store, keys, clock);
  api.import_round_folder((dir.path() / "national").string(), "national", "", "", "", true);
  api.award_imported("national");
  ApiResponse r = api.handle(make_request("GET", "/api/rounds/national/open-data"));
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  const json data = json::parse(r.shared ? *r.shared : r.body);
  ASSERT_EQ(data["records"]["demand-line"].size(), 200000u);

  const Verified clean = verify(write(dir.path(), "clean.json", data));
  EXPECT_EQ(clean.status, 0) << clean.out.substr(0, 4000);
  EXPECT_NE(clean.out.find("every published item recomputed"), std::string::npos) << clean.out;

  json bid = data;
  auto& b = bid["records"]["bid"][7];
  const std::string bid_id = b["id"];
  b["nonce"] = std::string(64, '0');
  Verified run = verify(write(dir.path(), "bid.json", bid));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("DIFFERS  records.bid[" + bid_id + "].nonce"), std::string::npos)
      << run.out;

  json allocation = data;
  json& rows = allocation["allocations"];
  ASSERT_TRUE(rows.is_array() && !rows.empty()) << rows.dump().substr(0, 300);
  rows[3]["units"] = rows[3]["units"].get<long long>() + 1;
  run = verify(write(dir.path(), "allocation.json", allocation));
  EXPECT_EQ(run.status, 1);
  const std::string named = "DIFFERS  allocations[" + rows[3]["institution"].get<std::string>() +
                            "/" + rows[3]["product"].get<std::string>() + "].units: published";
  EXPECT_NE(run.out.find(named), std::string::npos) << run.out;

  json price = data;
  json& award = price["results"]["awards"][11];
  award["price"] = "0.0100";
  run = verify(write(dir.path(), "price.json", price));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("DIFFERS  results.awards[" + award["id"].get<std::string>() +
                         "].price: published \"0.0100\", recomputed"),
            std::string::npos)
      << run.out;
}

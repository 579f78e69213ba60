#include "cli/keyholder_commands.hpp"

#include <cstdlib>
#include <iostream>

#include "core/error.hpp"
#include "platform/opening_shares.hpp"

namespace procura {

namespace {

std::string passphrase() {
  if (const char* env = std::getenv("PROCURA_PASSPHRASE"); env && *env) return env;
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() < kMinPassphrase)
    throw InputError("<stdin>", 1, "passphrase",
                     "expected the keyholder passphrase (at least " +
                         std::to_string(kMinPassphrase) +
                         " characters) on the first line, or in PROCURA_PASSPHRASE");
  return line;
}

}  // namespace

KeyholderCommands& add_keyholder_commands(CLI::App& app, KeyholderCommands& out) {
  auto* keyholder =
      app.add_subcommand("keyholder", "A keyholder's tools: its key, and its share of a round");
  keyholder->require_subcommand(1);
  out.key = keyholder->add_subcommand(
      "key", "Print the keyholder public key made from your account and passphrase");
  out.key->add_option("--account", out.account, "Your account id")->required();
  out.unseal = keyholder->add_subcommand(
      "unseal", "Open your sealed share of a round's opening key and print the share (hex)");
  out.unseal->add_option("--account", out.account, "Your account id")->required();
  out.unseal
      ->add_option("--sealed", out.sealed,
                   "The sealedShare of GET /api/rounds/{id}/shares/mine (hex)")
      ->required();
  return out;
}

int run_keyholder(const KeyholderCommands& k) {
  const std::string secret = passphrase();
  KeyPair keys;
  try {
    keys = keyholder_keys(k.account, secret);
  } catch (const std::invalid_argument& e) {
    throw InputError("passphrase", 0, "", e.what());
  }
  if (k.key->parsed()) {
    std::cout << keys.public_hex << "\n";
    return 0;
  }
  auto share = unseal(keys, k.sealed);
  if (!share) {
    std::cerr << "--sealed: this account and passphrase do not open the share\n";
    return 1;
  }
  std::cout << *share << "\n";
  return 0;
}

}  // namespace procura

#pragma once
// `procura keyholder key` and `procura keyholder unseal`: a keyholder's own tools, so that its
// passphrase never reaches the server. `key` prints the public key made from the account and the
// passphrase (to register with PUT /api/me/keyholder-key {"publicKey"}); `unseal` opens the share
// the round handed out (GET /api/rounds/{id}/shares/mine) and prints it, to hand back with POST
// /api/rounds/{id}/shares {"share"}. The passphrase is read from PROCURA_PASSPHRASE, else from the
// first line of standard input; errors throw InputError naming what is wrong.
#include <CLI/CLI.hpp>
#include <string>

namespace procura {

struct KeyholderCommands {
  CLI::App* key = nullptr;
  CLI::App* unseal = nullptr;
  std::string account, sealed;
};

// Declares the commands on `app`; the returned object is filled when they are parsed.
KeyholderCommands& add_keyholder_commands(CLI::App& app, KeyholderCommands& out);

// Runs whichever of the commands was parsed; returns the exit code.
int run_keyholder(const KeyholderCommands& k);

}  // namespace procura

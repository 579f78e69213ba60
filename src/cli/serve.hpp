#pragma once
// The `serve` and `audit verify` commands.
#include <string>

namespace procura {

struct ServeCommand {
  std::string db = "procura-platform.db";
  std::string keys;  // default: <db>.keys
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 2;   // connection threads (reads)
  unsigned writers = 32;  // threads for state-changing requests (each waits for its commit)
  bool demo = false;      // load the demo rounds and accounts into an empty database
  std::string demo_dir;
};

int run_serve(const ServeCommand& c);

// Checks an exported audit log (JSON lines); with a public key and a signature, also the signed
// head. Prints the verdict; returns 0 when everything verifies, 1 otherwise.
int run_audit_verify(const std::string& file, const std::string& public_key,
                     const std::string& signature);

}  // namespace procura

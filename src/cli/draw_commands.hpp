#pragma once
// `procura draw secret` and `procura draw verify`: an office's own secret for a draw nobody can
// steer, and anyone's check of a drawn panel from what the platform published
// (evaluation/draw.hpp). `secret` prints a fresh secret and its commitment (the office publishes
// the round with {"drawCommitment"} and reveals the secret at the draw). `verify` reads the
// panel (GET /api/rounds/{id}/panel) and the round's open data (GET /api/rounds/{id}/open-data:
// the round with what it committed to at publication, its enterprises and its bids), takes the
// size, specialities, participants and bids from the open data (never from the panel), and
// recomputes the commitment, the seed, the exclusions, every ticket and the members from the
// library as the panel names it at the deadline; it prints each check and each difference with
// the published and the recomputed value, and exits 1 on any difference. Unreadable or malformed
// files throw InputError naming the file and what was expected.
#include <CLI/CLI.hpp>
#include <string>

namespace procura {

struct DrawCommands {
  CLI::App* secret = nullptr;
  CLI::App* verify = nullptr;
  std::string panel, open_data;
};

// Declares the commands on `app`; the returned object is filled when they are parsed.
DrawCommands& add_draw_commands(CLI::App& app, DrawCommands& out);

// Runs whichever of the commands was parsed; returns the exit code.
int run_draw(const DrawCommands& d);

}  // namespace procura

#pragma once
// Draws nobody can steer: a draw's seed is fixed by a secret committed to before the values that
// could be gamed are known, and by those values once they are fixed. The office (or the platform
// for it) commits to a fresh secret when a round is published (the secret's hash is published);
// at the draw the secret is revealed, and the seed is the hash of a text naming the round, the
// draw, the secret and every public value fixed since (for the expert panel: every bid
// commitment at the bid deadline). Nobody who knows the secret can still change those values,
// and nobody who can change them knows the secret. Anyone recomputes the seed from the published
// values (with `procura draw verify`, or b2sum and the text below). Pure: no I/O; every function
// may be called from any thread.
#include <string>
#include <vector>

namespace procura {

// A public value fixed before the draw, named (for the panel: a bid's id and its commitment).
struct DrawValue {
  std::string name, value;
};

struct DrawInput {
  std::string round;              // the round's id
  std::string draw;               // which draw of the round: "panel"
  std::string secret;             // the revealed secret (64 lower-case hex digits)
  std::vector<DrawValue> values;  // in any order: the text lists them sorted by name
};

// Whether `s` is a draw secret: 64 lower-case hex digits (256 bits).
bool is_draw_secret(const std::string& s);

// What is published when the secret is committed to: BLAKE2b-256 (hex) of the secret's 64 hex
// digits as text (`printf %s SECRET | b2sum -l 256`).
std::string draw_commitment(const std::string& secret);

// The text the seed hashes, one line each, ending in a newline:
//   procura-draw-v1
//   round <round>
//   draw <draw>
//   secret <secret>
//   value <name> <value>        (one per value, sorted by name, then value)
std::string draw_seed_text(const DrawInput& input);

// BLAKE2b-256 (hex) of draw_seed_text (`b2sum -l 256` of the text). Throws RuleError when the
// secret is not a draw secret or a name or value holds a space or a line break.
std::string draw_seed(const DrawInput& input);

}  // namespace procura

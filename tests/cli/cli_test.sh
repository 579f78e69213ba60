#!/usr/bin/env bash
# The procura command as a user meets it: --help everywhere, exit codes, precise errors,
# idempotent and all-or-nothing imports, and byte-identical outputs for the same inputs.
# Usage: cli_test.sh PROCURA SOURCE_DIR WORK_DIR
set -u
procura=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
expect_exit() {  # name, expected code, command...
  local name=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"; local got=$?
  [ "$got" = "$want" ] && ok "$name (exit $got)" || { bad "$name: exit $got, expected $want"; cat "$work/err"; }
}
expect_err() {  # name, text the standard error must contain
  grep -qF -- "$2" "$work/err" && ok "$1" || { bad "$1: stderr lacks '$2'"; cat "$work/err"; }
}
demo=$src/examples/iol-3n-2020

for sub in "" "round" "round check" "round import" "round run" "round list" "profile" "profile list" "profile show" "bid commit" "demo"; do
  # shellcheck disable=SC2086
  expect_exit "help: procura $sub --help" 0 "$procura" $sub --help
  grep -q "Usage:" "$work/out" || bad "help text for '$sub'"
done
expect_exit "no subcommand is a usage error" 106 "$procura"
expect_exit "unknown option" 109 "$procura" round run x --frobnicate

expect_exit "check the demo round" 0 "$procura" round check "$demo"
grep -q "round '3n-iol-2020' is readable" "$work/out" && ok "check reports the round" || bad "check output"

# A broken copy of the demo: one bad quantity on a known line.
cp -r "$demo" "$work/broken"
sed -i '5s/,[0-9]*,\([01]\)$/,lots,\1/' "$work/broken/demand.csv"
expect_exit "bad quantity is bad input" 1 "$procura" round check "$work/broken"
expect_err "the error names file, line and field" "demand.csv:5: field 'quantity': expected a whole non-negative quantity, got 'lots'"

db=$work/round.db
expect_exit "import the demo" 0 "$procura" round import "$demo" --db "$db"
grep -q "created" "$work/out" && ok "first import creates" || bad "first import"
expect_exit "import the same inputs again" 0 "$procura" round import "$demo" --db "$db"
grep -q "unchanged" "$work/out" && ok "second import changes nothing" || bad "second import"
before=$(sqlite3 "$db" "SELECT input_digest, (SELECT count(*) FROM demand) FROM round")
expect_exit "a broken import is refused" 1 "$procura" round import "$work/broken" --db "$db"
after=$(sqlite3 "$db" "SELECT input_digest, (SELECT count(*) FROM demand) FROM round")
[ "$before" = "$after" ] && ok "a refused import leaves the database as it was" || bad "database changed by a refused import"
expect_exit "unknown round" 1 "$procura" round run nope --db "$db" --out "$work/x"
expect_err "unknown round is named" "no round 'nope' in the database"

expect_exit "bids are sealed before the opening" 1 "$procura" round run 3n-iol-2020 --db "$db" --out "$work/early" --now 2020-06-15T09:59:59Z
expect_err "sealed until the opening time" "bids of round '3n-iol-2020' are sealed until 2020-06-15T10:00:00Z"
expect_exit "access prices are sealed during negotiation" 1 "$procura" round run 3n-iol-2020 --db "$db" --out "$work/early" --now 2020-07-01T00:00:00Z
expect_err "negotiation still open" "access prices stay sealed until then"
[ ! -e "$work/early" ] && ok "nothing is published before the opening" || bad "outputs written before the opening"
expect_exit "run once" 0 "$procura" round run 3n-iol-2020 --db "$db" --out "$work/run1"
grep -q "Total savings rate (money-weighted)  *48.18 %" "$work/out" && ok "summary shows the total savings" || bad "summary table"
expect_exit "run again" 0 "$procura" round run 3n-iol-2020 --db "$db" --out "$work/run2" --quiet
diff -r "$work/run1" "$work/run2" >/dev/null && ok "same inputs give byte-identical outputs" || bad "outputs differ between runs"
for f in results.json report.html csv/awards.csv csv/allocations.csv csv/metrics.csv ocds/release-package.json ocds/releases.jsonl; do
  [ -s "$work/run1/$f" ] && ok "output $f" || bad "missing output $f"
done
grep -q "<svg" "$work/run1/report.html" && ok "HTML report has charts" || bad "HTML charts"

expect_exit "bid commitment" 0 "$procura" bid commit --round r1 --product P1 --price 50.00 --nonce n1
[ "$(cat "$work/out")" = "$(printf 'procura-bid-v1|r1|P1|50.0000|n1' | b2sum -l 256 | cut -d' ' -f1)" ] && ok "commitment is BLAKE2b-256 of the canonical text" || bad "commitment value"
expect_exit "bad bid price" 1 "$procura" bid commit --round r1 --product P1 --price 1e3 --nonce n1
expect_exit "unknown profile" 1 "$procura" profile show nope
expect_err "known profiles are listed" "known profiles: cn-drug-4p7"

# The command line as an office clerk uses it (issue 14).
# round check reports every problem of a folder at once, each with its file, line and field.
cp -r "$demo" "$work/broken3"
sed -i '5s/,[0-9]*,\([01]\)$/,lots,\1/' "$work/broken3/demand.csv"
sed -i '7s/,[0-9]*,\([01]\)$/,many,\1/' "$work/broken3/demand.csv"
sed -i '3s/^\([^,]*\),[^,]*,/\1,E99,/' "$work/broken3/products.csv"
expect_exit "check reports every problem" 1 "$procura" round check "$work/broken3"
expect_err "the first problem" "demand.csv:5: field 'quantity': expected a whole non-negative quantity, got 'lots'"
expect_err "the second problem" "demand.csv:7: field 'quantity': expected a whole non-negative quantity, got 'many'"
expect_err "a problem of another file" "products.csv:3: field 'enterprise_id'"
grep -qE "broken3: [0-9]+ problems" "$work/err" && ok "the count of problems" || bad "the count of problems"
# A round without history names the missing file (its profile reads the mainstream list from it).
cp -r "$demo" "$work/nohistory" && rm "$work/nohistory/history.csv"
expect_exit "no history is bad input" 1 "$procura" round check "$work/nohistory"
expect_err "the missing history is named" "history.csv: missing: profile 'alliance-3n-iol-2020' takes the mainstream products from the base-period history"
# A run or a list without a database leaves none behind.
(cd "$work" && expect_exit "run without a database" 1 "$procura" round run 3n-iol-2020 --out "$work/nodb")
expect_err "the missing database is named" "no database 'procura.db'"
[ ! -e "$work/procura.db" ] && ok "no empty database left behind" || bad "an empty procura.db was left"
(cd "$work" && expect_exit "list without a database" 1 "$procura" round list)
[ ! -e "$work/procura.db" ] && ok "no empty database left by list" || bad "list left procura.db"
# A price of 0 commits a withdrawal, as documented.
expect_exit "withdrawal commitment" 0 "$procura" bid commit --round r1 --product P1 --price 0 --nonce n1
[ "$(cat "$work/out")" = "$(printf 'procura-bid-v1|r1|P1|0.0000|n1' | b2sum -l 256 | cut -d' ' -f1)" ] && ok "a withdrawal's commitment" || bad "withdrawal commitment value"
expect_exit "a negative price is refused" 1 "$procura" bid commit --round r1 --product P1 --price -1 --nonce n1
# A group awarded by negotiation reports its winner, agreed volume and ratio.
node -e '
const r = require(process.argv[1]);
const g = r.groups.find((x) => x.route === "negotiation" && r.awards.some((a) => a.group === x.id));
const volume = r.awards.filter((a) => a.group === g.id).reduce((s, a) => s + a.volume, 0);
if (g.winners < 1 || g.base !== volume || g.volumeRatio === "0.00") { console.error(JSON.stringify(g)); process.exit(1); }
' "$work/run1/results.json" && ok "a negotiated group reports its agreed volume" || bad "negotiated group reports 0"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]

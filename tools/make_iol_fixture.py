#!/usr/bin/env python3
"""Generates examples/iol-3n-2020: a synthetic round built to match the published identities of
the 3+N intraocular-lens alliance round (domain.md §1.3, "Worked test fixture").

25 enterprises declare products; 22 are eligible with 85 products; 48 products enter bidding in
10 competitive groups (25 awards, 23 eliminated, one failed group); 37 products are negotiated
(exclusive, two-firm and price-inverted groups), 19 succeed. Prices are chosen so that the
published metrics round to 55.81 % (max 84.73 %) for bidding, 34.02 % (max 55.26 %) for
negotiation and 48.18 % in total. The generator only writes input files; the expected results
in expected.json are the published figures, not this script's arithmetic.

Run from the repository root: python3 tools/make_iol_fixture.py
"""
import hashlib
import os
import random
from fractions import Fraction as F

OUT = "examples/iol-3n-2020"
ROUND = "3n-iol-2020"
rng = random.Random(2020)

REGIONS = [("BJ", "Beijing"), ("TJ", "Tianjin"), ("HE", "Hebei"), ("HL", "Heilongjiang"), ("JL", "Jilin"),
           ("LN", "Liaoning"), ("NM", "Inner Mongolia"), ("SX", "Shanxi"), ("SD", "Shandong")]
INSTITUTIONS = [(f"{r}-H{i}", f"{name} hospital {i}", r) for r, name in REGIONS for i in range(1, 5)]
ENTERPRISES = [f"E{i:02d}" for i in range(1, 26)]
MATERIALS = ["hydrophobic acrylic", "hydrophilic acrylic", "PMMA", "silicone"]
DESIGNS = ["one-piece", "three-piece"]
OPTICS = ["aspheric", "spherical"]
FAMILIES = [(m, d, o) for m in MATERIALS for d in DESIGNS for o in OPTICS]
ADDITIONAL = ["preloaded", "toric", "multifocal", "EDOF", "blue-filter", "heparin-coated", "micro-incision"]


def cents(x):  # yuan (Fraction or float) -> integer cents, half up
    return int(F(x) * 100 + F(1, 2))


def money(c):
    return f"{c // 100}.{c % 100:02d}"


products = []  # dicts


def product(pid, ent, family, additional, ref, demand, **kw):
    p = dict(id=pid, enterprise=ent, family=family, additional=sorted(additional), ref=ref, demand=demand)
    p.update(kw)
    products.append(p)
    return p


# Winners cycle through E01..E19 so that exactly 19 enterprises are selected; E20..E22 never win.
winner_ents = [f"E{i:02d}" for i in range(1, 20)]
win_i = 0


def next_winner():
    global win_i
    e = winner_ents[win_i % len(winner_ents)]
    win_i += 1
    return e


loser_pool = [f"E{i:02d}" for i in range(1, 23)]

# --- Bidding groups: (valid bidders, winners, extra invalid/withdrawn/late kinds) ---
BIDDING = [(3, 1, []), (3, 1, []), (5, 3, []), (5, 3, []), (5, 3, []), (5, 3, []), (5, 3, []),
           (7, 5, []), (5, 3, ["above", "withdrawn"]), (0, 0, ["late", "above", "above"])]
# Target decreases for the 25 bidding awards (the first one is the stage maximum).
bid_targets = [F("0.8473")] + [F(x) for x in
               ["0.62", "0.58", "0.51", "0.47", "0.66", "0.55", "0.49", "0.60", "0.53", "0.44", "0.57", "0.59", "0.50",
                "0.54", "0.48", "0.63", "0.52", "0.56", "0.45", "0.61", "0.58", "0.46", "0.55", "0.5125"]]
neg_targets = [F("0.5526")] + [F(x) for x in
               ["0.30", "0.41", "0.25", "0.38", "0.33", "0.29", "0.36", "0.31", "0.40", "0.27", "0.35", "0.32", "0.34",
                "0.28", "0.37", "0.30", "0.39", "0.2632"]]

groups = []
award_targets = iter(bid_targets)
n = 0
for gi, (valid, winners, extras) in enumerate(BIDDING):
    fam = FAMILIES[gi]
    ref_base = rng.choice([1800, 2000, 2400, 2600, 3200, 4800]) if gi else 2000
    ents = []
    members = []
    for k in range(valid + len(extras)):
        if k < winners:
            e = next_winner()
        else:
            e = rng.choice([x for x in loser_pool if x not in ents])
        while e in ents:
            e = rng.choice([x for x in loser_pool if x not in ents])
        ents.append(e)
        n += 1
        ref = F(ref_base) if (gi == 0 and k == 0) else F(ref_base) + rng.randint(-100, 100)
        demand = rng.randint(300, 2500)
        p = product(f"IOL-{n:03d}", e, fam, [], ref, demand, group=gi, role="winner" if k < winners else
                    ("loser" if k < valid else extras[k - valid]))
        members.append(p)
    # prices: winners at their target decrease, losers dearer than every winner
    wins = [p for p in members if p["role"] == "winner"]
    for p in wins:
        p["target"] = next(award_targets)
        p["price"] = cents(p["ref"] * (1 - p["target"]))
    top = max([p["price"] for p in wins], default=cents(F(ref_base) * F("0.5")))
    for p in members:
        p["ceiling"] = cents(p["ref"] * F("0.95"))
    for p in members:
        if p["role"] == "loser":
            p["price"] = min(top + rng.randint(500, 20000), p["ceiling"])
        elif p["role"] == "above":
            p["price"] = p["ceiling"] + rng.randint(100, 5000)
        elif p["role"] == "withdrawn":
            p["price"] = 0
        elif p["role"] == "late":
            p["price"] = cents(p["ref"] * F("0.5"))
    # Keep winners ordered so that the ladder gives rank 1 the largest share; make one tie at the
    # last winning place of group 3 (index 2), resolved by larger demand.
    if gi == 2:
        wins.sort(key=lambda p: p["price"])
        loser = next(p for p in members if p["role"] == "loser")
        loser["price"] = wins[-1]["price"]
        loser["demand"] = wins[-1]["demand"] - 50
    groups.append(members)

# --- Negotiation: 3 price-inverted (one group), 5 two-firm groups, 24 exclusive products ---
neg_targets_it = iter(neg_targets)
neg_products = []
inv_fam = FAMILIES[0]  # same family as bidding group 0 (additional set {}), but cheaper: inverted
for k in range(3):
    n += 1
    e = ["E20", "E21", "E22"][k]
    neg_products.append(product(f"IOL-{n:03d}", e, inv_fam, ["preloaded"], F(1500 + 50 * k), rng.randint(200, 900),
                                reason="price-inverted"))
fam_i = 10
for g in range(5):
    fam = FAMILIES[fam_i % 16]
    adds = [ADDITIONAL[(g + 1) % 7], ADDITIONAL[(g + 3) % 7]]
    pair = rng.sample(loser_pool, 2)
    for e in pair:
        n += 1
        neg_products.append(product(f"IOL-{n:03d}", e, fam, adds, F(rng.choice([3800, 4200, 5200, 6000])), rng.randint(150, 800),
                                    reason="uncompetitive"))
    fam_i += 1
for k in range(24):
    fam = FAMILIES[(k * 5 + 3) % 16]
    adds = sorted(rng.sample(ADDITIONAL, 2 + k % 3))
    n += 1
    neg_products.append(product(f"IOL-{n:03d}", rng.choice(loser_pool), fam, adds, F(rng.choice([4200, 5200, 6800, 8000])),
                                rng.randint(100, 700), reason="exclusive"))
# 19 successes: each a different enterprise among the winners' pool so that selection = 19.
rng.shuffle(neg_products)
# The price-inverted products (enterprises E20-E22) fail, so that those firms stay unselected.
neg_products.sort(key=lambda p: p["reason"] == "price-inverted")
successes = neg_products[:19]
for p, t in zip(successes, neg_targets_it):
    p["target"] = t
    p["enterprise"] = next_winner()
    p["price"] = cents(p["ref"] * (1 - t))
    p["access_margin"] = rng.randint(0, 3000)  # access = final price + margin, set after tuning
for p in neg_products[19:]:
    p["access"] = cents(p["ref"] * F("0.62"))
    p["price"] = None  # failure: offers stay above the access price
for p in neg_products:
    p["ceiling"] = cents(p["ref"] * F("0.98"))

# Enterprises within a two-firm group must differ; fix clashes deterministically.
by_key = {}
for p in neg_products:
    by_key.setdefault((p["family"], tuple(p["additional"])), []).append(p)
for key, ps in by_key.items():
    seen = set()
    for p in ps:
        while p["enterprise"] in seen and p.get("price") is None:
            p["enterprise"] = rng.choice(["E20", "E21", "E22"])
        seen.add(p["enterprise"])
assert all(len({p["enterprise"] for p in ps}) == len(ps) or len(ps) == 1 for ps in by_key.values()), "clash"

# --- Rejected declarations: 3 from ineligible enterprises, 3 off the mainstream list ---
for k, e in enumerate(["E23", "E24", "E25"]):
    n += 1
    product(f"IOL-{n:03d}", e, FAMILIES[3 + k], [], F(2500), 200, rejected=True,
            expired=(e == "E25"))
for k in range(3):
    n += 1
    product(f"IOL-{n:03d}", f"E{k + 20:02d}", FAMILIES[2 + k], [], F(2600), 0, rejected=True, tiny=True)

# --- Tune: the money-weighted total must round to 48.18 % ---
def ladder(k):
    if k == 1:
        return [F(1)]
    first, rest = (F(6, 10), F(6, 10)) if k <= 3 else (F(1, 2), F(1, 2))
    s, left = [], F(1)
    s.append(left * first); left -= s[-1]
    for _ in range(2, k):
        s.append(left * rest); left -= s[-1]
    s.append(left)
    return s


def metrics():
    ref_sum = aw_sum = 0
    dec = {"b": [], "n": []}
    for gi, members in enumerate(groups):
        wins = sorted([p for p in members if p["role"] == "winner"], key=lambda p: (p["price"], -p["demand"]))
        if not wins:
            continue
        base = int(F(sum(p["demand"] for p in members)) * F(6, 10) + F(1, 2))
        shares = ladder(len(wins))
        units = [int(s * base) for s in shares]
        i = 0
        while sum(units) < base:
            units[i % len(units)] += 1; i += 1
        for p, q in zip(wins, units):
            ref_c = cents(p["ref"])
            ref_sum += ref_c * q; aw_sum += p["price"] * q
            dec["b"].append(1 - F(p["price"], ref_c))
    for p in successes:
        q = int(F(p["demand"]) * F(6, 10) + F(1, 2))
        ref_c = cents(p["ref"])
        ref_sum += ref_c * q; aw_sum += p["price"] * q
        dec["n"].append(1 - F(p["price"], ref_c))
    return 1 - F(aw_sum, ref_sum), sum(dec["b"]) / len(dec["b"]), sum(dec["n"]) / len(dec["n"]), dec


def fix_mean(stage_products, target, key):
    # nudge the last product's price until the unweighted mean rounds to the target
    for _ in range(100000):
        _, mb, mn, _ = metrics()
        m = mb if key == "b" else mn
        if abs(m - F(target, 10000)) < F(3, 100000):
            return
        p = stage_products[-1]
        p["price"] += 1 if m > F(target, 10000) else -1


bid_winners = [p for ms in groups for p in ms if p["role"] == "winner"]
fix_mean(bid_winners, 5581, "b")
fix_mean(successes, 3402, "n")
# Scale the demand of the largest negotiated success (or a bidding group) to move the total.
for _ in range(200000):
    total, mb, mn, _ = metrics()
    if abs(total - F(4818, 10000)) < F(3, 100000):
        break
    if total > F(4818, 10000):  # more weight on negotiation (lower decreases)
        successes[2]["demand"] += 1
    else:
        successes[2]["demand"] = max(50, successes[2]["demand"] - 1)
total, mb, mn, dec = metrics()
eligible = {p["enterprise"] for p in products if not p.get("rejected")}
assert eligible == {f"E{i:02d}" for i in range(1, 23)}, sorted(eligible)
keys = {}
for p in products:
    if not p.get("rejected"):
        keys.setdefault((p["family"], tuple(p["additional"])), set()).add(p["enterprise"])
assert all(len(v) < 3 for k, v in keys.items() if k[1] and k != (inv_fam, ("preloaded",))), "a negotiation group became competitive"
print(f"bidding mean {float(mb):.6f} max {float(max(dec['b'])):.6f}; negotiation mean {float(mn):.6f} max {float(max(dec['n'])):.6f}; total {float(total):.6f}")

for p in successes:
    p["access"] = p["price"] + p["access_margin"]
# One success whose expert access price is above the ceiling (clamped to the ceiling).
successes[1]["access"] = successes[1]["ceiling"] + 5000

# --- Write the files ---
os.makedirs(OUT, exist_ok=True)


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")


with open(os.path.join(OUT, "round.json"), "w") as f:
    f.write("""{
  "id": "3n-iol-2020",
  "title": "3+N alliance joint procurement of intraocular lenses (synthetic reproduction)",
  "ocidPrefix": "ocds-procura",
  "currency": "CNY",
  "buyer": {"id": "CN-3N-ALLIANCE", "name": "3+N medical consumables procurement alliance"},
  "attributes": ["optic material", "design", "optic"],
  "profile": "alliance-3n-iol-2020",
  "timeline": {
    "basePeriod": "2019",
    "bidDeadline": "2020-06-15T09:00:00Z",
    "bidOpening": "2020-06-15T10:00:00Z",
    "negotiationEnd": "2020-07-10T17:00:00Z",
    "contractStart": "2020-09-01"
  }
}
""")
write("regions.csv", ["region_id", "name"], REGIONS)
write("institutions.csv", ["institution_id", "name", "region_id"], INSTITUTIONS)
ent_rows = []
for e in ENTERPRISES:
    ent_rows.append([e, f"Enterprise {e[1:]} Medical Co.", 0 if e == "E23" else 1, 0 if e == "E24" else 1, "A", "", ""])
write("enterprises.csv", ["enterprise_id", "name", "supply_capacity_ok", "credit_ok", "licence", "consortium_id", "manufacturer_id"], ent_rows)
prod_rows, hist_rows, dem_rows, ceil_rows, bid_rows, acc_rows, off_rows = [], [], [], [], [], [], []
for p in products:
    fam = p["family"]
    prod_rows.append([p["id"], p["enterprise"], f"Intraocular lens {p['id'][4:]}", "IOL", f"REG-{p['id']}",
                      "2019-12-31" if p.get("expired") else "2025-12-31", 0, 0, 0, ";".join(fam),
                      ";".join(p["additional"]), "piece", "", "GMDN", "35658"])
    ref_c = cents(p["ref"])
    if p.get("tiny"):
        hist_rows.append([p["id"], "BJ", money(ref_c), 3])
    else:
        q = rng.randint(1000, 2000)
        d = rng.randint(1, 20000) if ref_c > 40000 else 0
        hist_rows.append([p["id"], REGIONS[0][0] if len(hist_rows) % 2 else "HE", money(ref_c - d), q])
        hist_rows.append([p["id"], "SD", money(ref_c + d), q])
    # demand spread over institutions
    left = p["demand"]
    insts = rng.sample(INSTITUTIONS, 4)
    for j, inst in enumerate(insts):
        qty = left if j == 3 else rng.randint(0, left // 2)
        left -= qty
        if qty:
            dem_rows.append([inst[0], p["id"], qty, 1 if (j == 0 and rng.random() < 0.3) else 0])
    if "ceiling" in p:
        ceil_rows.append([p["id"], money(p["ceiling"])])
    if "group" in p:
        nonce = hashlib.sha256(f"nonce-{p['id']}".encode()).hexdigest()[:16]
        price4 = f"{p['price'] // 100}.{p['price'] % 100:02d}00"
        text = f"procura-bid-v1|{ROUND}|{p['id']}|{price4}|{nonce}"
        commit = hashlib.blake2b(text.encode(), digest_size=32).hexdigest()
        when = "2020-06-15T09:30:00Z" if p["role"] == "late" else f"2020-06-1{rng.randint(0, 4)}T0{rng.randint(1, 8)}:{rng.randint(10, 59)}:00Z"
        bid_rows.append([p["id"], money(p["price"]), when, nonce, commit])
    if "access" in p:
        acc_rows.append([p["id"], money(p["access"]), "X03;X07;X11;X15;X19"])
        if p.get("price"):
            rounds = 1 if p is successes[1] else rng.randint(1, 3)
            prices = [p["price"] + 4000 * (rounds - r) for r in range(1, rounds + 1)]
        else:
            prices = sorted([p["access"] + rng.randint(500, 30000) for _ in range(rng.randint(1, 3))], reverse=True)
        for r, pr in enumerate(prices, 1):
            off_rows.append([p["id"], r, money(pr)])
write("products.csv", ["product_id", "enterprise_id", "name", "category", "registration_id", "registration_valid_until", "gqce",
                       "originator", "under_negotiation", "basic", "additional", "unit", "strength", "classification_scheme",
                       "classification_id"], prod_rows)
write("history.csv", ["product_id", "region_id", "price", "quantity"], hist_rows)
write("demand.csv", ["institution_id", "product_id", "quantity", "by_brand"], dem_rows)
write("ceilings.csv", ["product_id", "max_price"], ceil_rows)
write("bids.csv", ["product_id", "price", "submitted_at", "nonce", "commitment"], bid_rows)
write("access_prices.csv", ["product_id", "access_price", "panel"], acc_rows)
write("offers.csv", ["product_id", "round", "price"], off_rows)
print(f"{len(products)} products written to {OUT}")

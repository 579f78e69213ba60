// Checks made in the visitor's browser, not by the server: each opened bid against its published
// commitment, and the audit log's chain and signed head. BLAKE2b-256 is written here from RFC 7693
// (the browser has none); the head's Ed25519 signature is checked with the browser's WebCrypto.
(function () {
  "use strict";
  var IV = [0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
    0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19];
  var SIGMA = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4], [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13], [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11], [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5], [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0]];
  // 64-bit words as pairs of 32-bit halves (low, high) in Uint32Arrays.
  var v = new Uint32Array(32), m = new Uint32Array(32);
  function add(a, b) { var lo = v[a] + v[b], hi = v[a + 1] + v[b + 1]; if (lo >= 0x100000000) hi++; v[a] = lo; v[a + 1] = hi; }
  function addm(a, i) { var lo = v[a] + m[i], hi = v[a + 1] + m[i + 1]; if (lo >= 0x100000000) hi++; v[a] = lo; v[a + 1] = hi; }
  function g(a, b, c, d, x, y) {
    var lo, hi;
    add(a, b); addm(a, x);
    lo = v[d] ^ v[a]; hi = v[d + 1] ^ v[a + 1]; v[d] = hi; v[d + 1] = lo;                          // >>> 32
    add(c, d);
    lo = v[b] ^ v[c]; hi = v[b + 1] ^ v[c + 1]; v[b] = (lo >>> 24) ^ (hi << 8); v[b + 1] = (hi >>> 24) ^ (lo << 8);
    add(a, b); addm(a, y);
    lo = v[d] ^ v[a]; hi = v[d + 1] ^ v[a + 1]; v[d] = (lo >>> 16) ^ (hi << 16); v[d + 1] = (hi >>> 16) ^ (lo << 16);
    add(c, d);
    lo = v[b] ^ v[c]; hi = v[b + 1] ^ v[c + 1]; v[b] = (hi >>> 31) ^ (lo << 1); v[b + 1] = (lo >>> 31) ^ (hi << 1);
  }
  function compress(h, block, bytes, last) {
    var i;
    for (i = 0; i < 16; i++) { v[i] = h[i]; v[i + 16] = IV[i]; }
    v[24] ^= bytes % 0x100000000; v[25] ^= Math.floor(bytes / 0x100000000);
    if (last) { v[28] = ~v[28]; v[29] = ~v[29]; }
    for (i = 0; i < 32; i++)
      m[i] = block[i * 4] ^ (block[i * 4 + 1] << 8) ^ (block[i * 4 + 2] << 16) ^ (block[i * 4 + 3] << 24);
    for (i = 0; i < 12; i++) {
      var s = SIGMA[i % 10];
      g(0, 8, 16, 24, s[0] * 2, s[1] * 2); g(2, 10, 18, 26, s[2] * 2, s[3] * 2);
      g(4, 12, 20, 28, s[4] * 2, s[5] * 2); g(6, 14, 22, 30, s[6] * 2, s[7] * 2);
      g(0, 10, 20, 30, s[8] * 2, s[9] * 2); g(2, 12, 22, 24, s[10] * 2, s[11] * 2);
      g(4, 14, 16, 26, s[12] * 2, s[13] * 2); g(6, 8, 18, 28, s[14] * 2, s[15] * 2);
    }
    for (i = 0; i < 16; i++) h[i] ^= v[i] ^ v[i + 16];
  }
  // The lower-case hex BLAKE2b-256 of a text's UTF-8 bytes.
  function blake2b256(text) {
    var data = new TextEncoder().encode(text), h = new Uint32Array(IV), block = new Uint8Array(128);
    h[0] ^= 0x01010000 ^ 32;  // no key, 32 bytes out
    var at = 0;
    while (data.length - at > 128) { compress(h, data.subarray(at, at + 128), at + 128, false); at += 128; }
    block.fill(0); block.set(data.subarray(at));
    compress(h, block, data.length, true);
    var out = "";
    for (var i = 0; i < 32; i++) out += ("0" + ((h[i >> 2] >>> (8 * (i & 3))) & 0xff).toString(16)).slice(-2);
    return out;
  }

  // Each opened bid on the page: its canonical text hashed again, against its commitment.
  function checkCommitments() {
    var cells = document.querySelectorAll("[data-canonical]"), ok = 0;
    cells.forEach(function (el) {
      var good = blake2b256(el.dataset.canonical) === el.dataset.commitment;
      if (good) ok++;
      el.textContent = good ? el.dataset.labelOk : el.dataset.labelBad;
      el.dataset.checked = good ? "match" : "differs";
    });
    document.querySelectorAll("[data-script-summary]").forEach(function (el) {
      if (!cells.length) return;
      el.textContent = el.dataset.label.replace("{ok}", ok).replace("{total}", cells.length);
      el.dataset.ok = ok; el.dataset.total = cells.length;
    });
  }

  function hexBytes(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }
  // nlohmann's dump of a record: keys in order, no spaces (as records_text writes it).
  function recordsText(records) {
    return "[" + records.map(function (r) {
      return "{" + ["context", "hash", "id", "kind"].map(function (k) { return JSON.stringify(k) + ":" + JSON.stringify(r[k]); }).join(",") + "}";
    }).join(",") + "]";
  }
  // The first break of an exported chain (src/integrity/audit_chain.cpp), or null.
  function chainBreak(entries) {
    var prev = "0000000000000000000000000000000000000000000000000000000000000000";
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      if (e.seq !== i + 1) return { seq: e.seq, why: "seq" };
      if (e.prevHash !== prev) return { seq: e.seq, why: "link" };
      if (!e.withheld && blake2b256("procura-audit-body-v2|" + e.salt + "|" + e.actor + "|" + e.action + "|" + recordsText(e.records)) !== e.bodyHash)
        return { seq: e.seq, why: "body" };
      if (blake2b256("procura-audit-v2|" + e.seq + "|" + e.at + "|" + e.bodyHash + "|" + e.prevHash) !== e.hash)
        return { seq: e.seq, why: "hash" };
      prev = e.hash;
    }
    return null;
  }
  // The head first, then the log: the entries up to the signed head are checked and counted;
  // any written since are said to be not yet covered by a signature. The signature is checked
  // with the key the visitor gives (published elsewhere, by a source they trust), else with the
  // server's, which a server that rewrote its history could have replaced too: said so.
  function verifyAudit(button) {
    var out = document.querySelector("[data-audit-result]"), d = button.dataset;
    var field = document.querySelector("[data-audit-key]");
    var given = field ? field.value.trim().toLowerCase() : "";
    out.dataset.verdict = "";
    if (given && !/^[0-9a-f]{64}$/.test(given)) {
      out.dataset.verdict = "error";
      out.textContent = d.labelKeyBad;
      return;
    }
    out.textContent = d.labelWorking;
    var head;
    fetch(d.head).then(function (r) { return r.json(); }).then(function (h) {
      head = h;
      return fetch(d.log, { credentials: "same-origin" }).then(function (r) { return r.text(); });
    }).then(function (text) {
      var all = text.split("\n").filter(Boolean).map(function (l) { return JSON.parse(l); });
      var entries = all.filter(function (e) { return e.seq <= head.seq; }), newer = all.length - entries.length;
      var broken = chainBreak(entries);
      if (broken) {
        out.dataset.verdict = "broken";
        out.textContent = d.labelBroken.replace("{seq}", broken.seq).replace("{why}", d["why" + broken.why.charAt(0).toUpperCase() + broken.why.slice(1)]);
        return;
      }
      var last = entries[entries.length - 1] || { seq: 0, hash: "" };
      var covered = last.seq === head.seq && last.hash === head.hash;
      var signedText = new TextEncoder().encode("procura-audit-head-v2|" + head.seq + "|" + head.hash);
      var publicKey = given || head.publicKey;
      return crypto.subtle.importKey("raw", hexBytes(publicKey), { name: "Ed25519" }, false, ["verify"])
        .then(function (key) { return crypto.subtle.verify({ name: "Ed25519" }, key, hexBytes(head.signature), signedText); },
              function (e) {  // a given key that is no Ed25519 point signs nothing; other errors stay errors
                if (given && e && e.name === "DataError") return false;
                throw e;
              })
        .then(function (signed) {
          if (!signed && given) {
            out.dataset.verdict = "foreign";
            out.textContent = d.labelKeyOther.replace("{key}", given);
            return;
          }
          out.dataset.verdict = signed && covered ? "intact" : "unsigned";
          out.textContent = (signed && covered ? d.labelIntact : d.labelUnsigned)
            .replace("{count}", entries.length).replace("{seq}", last.seq).replace("{hash}", last.hash) +
            (newer ? " " + d.labelNewer.replace("{count}", newer) : "") +
            (signed && !given ? " " + d.labelKeyServed.replace("{key}", head.publicKey) : "");
        });
    }).catch(function (e) { out.dataset.verdict = "error"; out.textContent = d.labelError + " " + e.message; });
  }

  window.Procura = { blake2b256: blake2b256, chainBreak: chainBreak };
  checkCommitments();
  document.querySelectorAll("[data-audit-verify]").forEach(function (b) {
    b.addEventListener("click", function () { verifyAudit(b); });
  });
})();

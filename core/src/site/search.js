// Lore help center search: runs on the prebuilt index in search-index.js (a script, so
// it loads from disk too), fetches nothing. The query is cut by the longest words the
// index knows (and its synonyms), plus pairs of Chinese characters; each word's best
// synonym scores BM25-like, and results covering more of the query come first.
(function () {
  "use strict";
  var I = window.LORE_INDEX;
  var box = document.getElementById("q");
  var out = document.getElementById("results");
  var browse = document.getElementById("browse");
  if (!I || !box || !out) return;

  function norm(s) {
    var r = "";
    for (var ch of s) {
      var x = ch.codePointAt(0);
      if (x >= 0xff01 && x <= 0xff5e) ch = String.fromCodePoint(x - 0xfee0);
      else if (x === 0x3000) ch = " ";
      r += (I.t2s[ch] || ch).toLowerCase();
    }
    return r;
  }
  function cjk(c) {
    var x = c.codePointAt(0);
    return (x >= 0x3400 && x <= 0x4dbf) || (x >= 0x4e00 && x <= 0x9fff) ||
      (x >= 0xf900 && x <= 0xfaff) || (x >= 0x20000 && x <= 0x2fa1f);
  }
  function wordChar(c) { return /[\p{L}\p{N}]/u.test(c) && !cjk(c); }

  var vocab = new Set(Object.keys(I.terms)), stop = new Set(I.stop);
  var synOf = {};
  I.syn.forEach(function (g, gi) {
    g.forEach(function (w) {
      w = norm(w);
      vocab.add(w);
      (synOf[w] = synOf[w] || []).push(gi);
    });
  });

  function concept(w, weight, prefix) {
    // A word that says nothing (了, 怎么, the) is still cut out, so it ends no other word.
    if (stop.has(w)) weight = 0;
    var forms = [w];
    (synOf[w] || []).forEach(function (gi) {
      I.syn[gi].forEach(function (s) {
        s = norm(s);
        if (forms.indexOf(s) < 0) forms.push(s);
      });
    });
    return { forms: forms, weight: weight, prefix: prefix, pair: false };
  }

  function concepts(q) {
    var chars = Array.from(norm(q)), list = [], i = 0;
    while (i < chars.length) {
      var s = i;
      if (cjk(chars[i])) {
        while (i < chars.length && cjk(chars[i])) i++;
        var run = chars.slice(s, i), j = 0;
        while (j < run.length) {
          var found = 0;
          for (var l = Math.min(I.maxw, run.length - j); l >= 2; l--) {
            if (vocab.has(run.slice(j, j + l).join(""))) { found = l; break; }
          }
          if (found) { list.push(concept(run.slice(j, j + found).join(""), 1, false)); j += found; }
          else { list.push(concept(run[j], 0.5, false)); j++; }
        }
        for (var k = 0; k + 1 < run.length; k++) {
          list.push({ forms: [run[k] + run[k + 1]], weight: 0.3, prefix: false, pair: true });
        }
      } else if (wordChar(chars[i])) {
        while (i < chars.length && wordChar(chars[i])) i++;
        list.push(concept(chars.slice(s, i).join(""), 1, i === chars.length));
      } else {
        i++;
      }
    }
    return list;
  }

  function termsOf(form, prefix) {
    if (!prefix) return [form];
    var all = [];
    vocab.forEach(function (t) { if (t.startsWith(form) && I.terms[t]) all.push(t); });
    return all.slice(0, 50);
  }

  function search(q) {
    var list = concepts(q), scores = {}, covered = {}, want = 0;
    list.forEach(function (c) {
      if (!c.weight) return;
      var best = {}, rare = 0;
      // A synonym counts less than the word typed, unless the library never uses that word.
      var typed = termsOf(c.forms[0], c.prefix).some(function (t) { return I.terms[t]; });
      c.forms.forEach(function (f, fi) {
        var factor = fi > 0 && typed ? 0.8 : 1;
        termsOf(f, c.prefix).forEach(function (t) {
          var p = I.terms[t];
          if (!p) return;
          var df = p.length / 2, idf = Math.log(1 + (I.n - df + 0.5) / (df + 0.5));
          // Capped: a word only one odd entry has is not the whole question.
          rare = Math.max(rare, Math.min(idf, 3));
          for (var k = 0; k < p.length; k += 2) {
            var d = p[k], tf = p[k + 1], dl = I.docs[d][4];
            var s = factor * idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / I.avgdl));
            if (!(best[d] >= s)) best[d] = s;
          }
        });
      });
      // How much of the query an entry covers, each word weighed by how telling it is:
      // 怎么 or 东西 say little, 破损 much.
      if (!c.pair) want += c.weight * rare;
      Object.keys(best).forEach(function (d) {
        scores[d] = (scores[d] || 0) + best[d] * c.weight;
        if (!c.pair) covered[d] = (covered[d] || 0) + c.weight * rare;
      });
    });
    var ranked = Object.keys(scores).map(function (d) {
      var share = want ? (covered[d] || 0) / want : 1;
      return [+d, scores[d] * (0.4 + share * share)];
    }).sort(function (a, b) { return b[1] - a[1]; });
    // Results far weaker than the best are noise, not answers.
    return ranked.filter(function (h) { return h[1] >= ranked[0][1] * 0.25; }).slice(0, 15);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function show(q) {
    q = q.trim();
    out.textContent = "";
    if (!q) { out.hidden = true; if (browse) browse.hidden = false; return; }
    var hits = search(q);
    out.hidden = false;
    if (browse) browse.hidden = true;
    out.appendChild(el("p", "count", hits.length ? I.ui.results.replace("{n}", hits.length) : I.ui.nothing));
    if (!hits.length) return;
    var ul = el("ul", "list");
    hits.forEach(function (h) {
      var doc = I.docs[h[0]], li = el("li", "hit");
      var a = el("a", null, doc[1]);
      a.href = doc[0];
      li.appendChild(a);
      if (doc[2]) li.appendChild(el("span", "cat", doc[2]));
      li.appendChild(el("p", "snippet", doc[3]));
      ul.appendChild(li);
    });
    out.appendChild(ul);
  }

  function keep(q) {
    try {
      var url = new URL(location.href);
      if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
      history.replaceState(null, "", url.href);
    } catch (e) { /* some browsers refuse on file:// pages; the search still runs */ }
  }

  box.addEventListener("input", function () { show(box.value); keep(box.value.trim()); });
  box.form && box.form.addEventListener("submit", function (e) {
    e.preventDefault();
    show(box.value);
    keep(box.value.trim());
  });
  var first = new URLSearchParams(location.search).get("q");
  if (first) { box.value = first; show(first); }
})();

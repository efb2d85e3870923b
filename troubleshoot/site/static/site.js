/* uvicorn-doctor site: client-side search over the embedded index, and copy buttons.
   No framework, no network: the index is a JSON data block in index.html, so the
   search works from file:// as well as from any static host. */
(function () {
  "use strict";

  /* ---- PEP 440 versions (the subset uvicorn releases use, plus pre/post/dev) ---- */
  var VERSION = /^\s*v?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$/i;
  var PRE_RANK = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

  /* {release, pre: [rank, n] | null, post: n | null, dev: n | null}, or null if unreadable. */
  function parseVersion(text) {
    var m = VERSION.exec(String(text));
    if (!m) { return null; }
    var post = null;
    if (m[4] !== undefined) { post = Number(m[4]); }
    else if (m[5] !== undefined) { post = Number(m[6] || 0); }
    return {
      release: m[1].split(".").map(Number),
      pre: m[2] ? [PRE_RANK[m[2].toLowerCase()], Number(m[3] || 0)] : null,
      post: post,
      dev: m[7] ? Number(m[8] || 0) : null
    };
  }

  function trimmed(release) {
    var r = release.slice();
    while (r.length > 1 && r[r.length - 1] === 0) { r.pop(); }
    return r;
  }

  function sortKey(v) {
    var pre;
    if (v.pre === null && v.post === null && v.dev !== null) { pre = [-Infinity, 0]; }
    else if (v.pre === null) { pre = [Infinity, 0]; }
    else { pre = v.pre; }
    return [trimmed(v.release), pre, v.post === null ? -Infinity : v.post,
      v.dev === null ? Infinity : v.dev];
  }

  function cmpArrays(a, b) {
    var n = Math.max(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = i < a.length ? a[i] : 0, y = i < b.length ? b[i] : 0;
      if (x < y) { return -1; }
      if (x > y) { return 1; }
    }
    return 0;
  }

  function compare(a, b) {
    var ka = sortKey(a), kb = sortKey(b);
    return cmpArrays(ka[0], kb[0]) || cmpArrays(ka[1], kb[1]) ||
      cmpArrays([ka[2]], [kb[2]]) || cmpArrays([ka[3]], [kb[3]]);
  }

  function isPre(v) { return v.pre !== null || v.dev !== null; }
  function baseEqual(a, b) { return cmpArrays(trimmed(a.release), trimmed(b.release)) === 0; }

  function prefixMatch(v, prefixText) {
    var prefix = prefixText.split(".").map(Number);
    var rel = v.release.slice();
    while (rel.length < prefix.length) { rel.push(0); }
    return cmpArrays(rel.slice(0, prefix.length), prefix) === 0;
  }

  var CLAUSE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S+)\s*$/;

  /* Does one clause admit v? Same rules as packaging with prereleases=True. */
  function clauseContains(op, text, v) {
    if (op === "===") { return null; }
    if ((op === "==" || op === "!=") && /\.\*$/.test(text)) {
      var inside = prefixMatch(v, text.slice(0, -2));
      return op === "==" ? inside : !inside;
    }
    var s = parseVersion(text);
    if (!s) { return null; }
    var c = compare(v, s);
    switch (op) {
      case "==": return c === 0;
      case "!=": return c !== 0;
      case ">=": return c >= 0;
      case "<=": return c <= 0;
      case "<": return c < 0 && !(!isPre(s) && isPre(v) && baseEqual(v, s));
      case ">": return c > 0 && !(s.post === null && v.post !== null && baseEqual(v, s));
      case "~=":
        var prefix = s.release.slice(0, -1).join(".");
        return c >= 0 && prefixMatch(v, prefix);
    }
    return null;
  }

  /* true / false, or null when the specifier or version cannot be read. */
  function contains(specifier, versionText) {
    var v = typeof versionText === "string" ? parseVersion(versionText) : versionText;
    if (!v) { return null; }
    var clauses = String(specifier).split(",").filter(function (c) { return c.trim() !== ""; });
    for (var i = 0; i < clauses.length; i++) {
      var m = CLAUSE.exec(clauses[i]);
      if (!m) { return null; }
      var ok = clauseContains(m[1], m[2], v);
      if (ok === null) { return null; }
      if (!ok) { return false; }
    }
    return true;
  }

  /* ---- the index and the query ----
     A word search over each entry's own text: no KB regex runs here (a signature's
     pattern reaches the page as its literal words, see feeds.pattern_text). Matching a
     paste the way the CLI does is `doctor paste-traceback`. */
  var MAX_QUERY = 2000; // characters: a long paste is refused with a message, not searched
  var DEBOUNCE_MS = 200;
  var STOP = ["a", "an", "the", "is", "are", "am", "i", "my", "it", "in", "on", "of", "to", "and",
    "or", "by", "with", "for", "at", "be", "was", "does", "do", "affected", "affect", "version",
    "versions", "release", "what", "which"];
  var VERSION_TOKEN = /(?:^|[\s=v])(\d+\.\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?)(?=$|[\s?!.,;:)])/i;

  function words(text) {
    return (String(text).toLowerCase().match(/[a-z0-9_]+/g) || []).filter(function (w) {
      return w.length > 1 && STOP.indexOf(w) < 0;
    });
  }

  function prepare(record) {
    var fields = [
      [record.exc.join(" ").toLowerCase(), 5],
      [record.error.toLowerCase(), 4],
      [record.tags.join(" ").toLowerCase(), 4],
      [record.title.toLowerCase(), 3],
      [record.signature.toLowerCase(), 3],
      [record.id + " " + record.kind, 2],
      [record.summary.toLowerCase(), 1]
    ];
    return { record: record, fields: fields };
  }

  function parseQuery(text) {
    var m = VERSION_TOKEN.exec(text);
    var version = m ? m[1] : null;
    var rest = m ? text.slice(0, m.index) + " " + text.slice(m.index + m[0].length) : text;
    var seen = {};
    var terms = words(rest).filter(function (w) {
      if (seen["=" + w] || (version && w === "uvicorn")) { return false; }
      seen["=" + w] = true;
      return true;
    });
    return { raw: text.trim(), version: version, terms: terms };
  }

  function textScore(item, query) {
    if (!query.terms.length) { return 1; }
    var score = 0, matched = 0;
    query.terms.forEach(function (term) {
      var best = 0;
      item.fields.forEach(function (f) {
        if (f[1] > best && f[0].indexOf(term) >= 0) { best = f[1]; }
      });
      if (best) { matched += 1; score += best; }
    });
    // A pasted error line carries words of its own (object names, paths): most, not all, must match.
    var needed = query.terms.length <= 2 ? query.terms.length : Math.ceil(query.terms.length * 0.6);
    return matched >= needed ? score : 0;
  }

  /* What the index says about a version: affected / conditional / fixed / not-affected / unknown. */
  function versionVerdict(record, version) {
    if (!record.affected.length) { return { status: "unknown", text: "not tied to a version" }; }
    var conditional = null;
    for (var i = 0; i < record.affected.length; i++) {
      var a = record.affected[i];
      if (contains(a.spec, version)) {
        if (!a.when) { return { status: "affected", text: "affected (" + (a.spec || "all versions") + ")" }; }
        conditional = conditional || { status: "conditional", text: "affected when " + a.when + " (" + a.spec + ")" };
      }
    }
    if (conditional) { return conditional; }
    var v = parseVersion(version);
    var f = record.fixed_in ? parseVersion(record.fixed_in) : null;
    if (v && f && compare(v, f) >= 0) { return { status: "fixed", text: "fixed in " + record.fixed_in }; }
    return { status: "not-affected", text: "not affected" };
  }

  function search(items, query, kind, tag) {
    var out = [];
    items.forEach(function (item, position) {
      var r = item.record;
      if (kind && r.kind !== kind) { return; }
      if (tag && r.tags.indexOf(tag) < 0) { return; }
      var score = textScore(item, query);
      if (!score) { return; }
      var verdict = query.version ? versionVerdict(r, query.version) : null;
      if (verdict && !query.terms.length && verdict.status !== "affected" && verdict.status !== "conditional") {
        return; // a bare version question lists what affects it
      }
      out.push({ record: r, score: score, verdict: verdict, position: position });
    });
    out.sort(function (a, b) { return (b.score - a.score) || (a.position - b.position); });
    return out;
  }

  function answerText(query, results) {
    if (!query.version) {
      if (!query.raw) { return ""; }
      return results.length ? results.length + " matching fix" + (results.length === 1 ? "" : "es") + "."
        : "No known match. Try fewer words, or the exception name alone.";
    }
    if (!parseVersion(query.version)) { return "Cannot read version " + query.version + "."; }
    var hard = results.filter(function (r) { return r.verdict.status === "affected"; });
    var soft = results.filter(function (r) { return r.verdict.status === "conditional"; });
    var text = hard.length
      ? "Yes: uvicorn " + query.version + " is affected by " + hard.length + " known failure" + (hard.length === 1 ? "" : "s") + "."
      : "No: uvicorn " + query.version + " is not affected by any version-bound entry" + (query.terms.length ? " matching your words" : "") + ".";
    if (soft.length) { text += " " + soft.length + " more only on some platforms or Pythons."; }
    return text;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function renderResults(list, results) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    results.forEach(function (res) {
      var r = res.record;
      var li = el("li");
      var a = el("a", "", r.title);
      a.setAttribute("href", r.url);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "badge", r.kind));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "badge sev-" + r.severity, r.severity));
      if (res.verdict) { li.appendChild(el("p", "verdict " + res.verdict.status, res.verdict.text)); }
      li.appendChild(el("p", "", r.summary.length > 220 ? r.summary.slice(0, 217) + "..." : r.summary));
      list.appendChild(li);
    });
  }

  function initSearch() {
    var data = document.getElementById("search-data");
    var form = document.getElementById("search-form");
    if (!data || !form) { return; }
    var items = JSON.parse(data.textContent).map(prepare);
    var q = document.getElementById("q"), kind = document.getElementById("kind");
    var tag = document.getElementById("tag"), list = document.getElementById("results");
    var answer = document.getElementById("answer"), heading = document.getElementById("list-h");
    var params = new URLSearchParams(window.location.search);
    var timer = null;
    q.value = params.get("q") || "";
    kind.value = params.get("kind") || "";
    tag.value = params.get("tag") || "";
    function run() {
      clearTimeout(timer);
      var tooLong = q.value.length > MAX_QUERY;
      var query = parseQuery(tooLong ? "" : q.value);
      var results = search(items, query, kind.value, tag.value);
      var filtered = query.raw || kind.value || tag.value;
      heading.textContent = filtered ? "Results (" + results.length + ")" : "All fixes";
      answer.textContent = tooLong
        ? "Query too long: " + q.value.length + " characters, the search reads at most " +
          MAX_QUERY + ". Search for the error line alone; for a whole log or traceback, " +
          "run doctor paste-traceback."
        : answerText(query, results);
      renderResults(list, results);
      api.searched = q.value;
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    // Typing waits for a pause; the filters answer at once.
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
    });
    [kind, tag].forEach(function (input) { input.addEventListener("change", run); });
    run();
  }

  function initCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = source.textContent.replace(/\s+$/, "") + "\n";
        function done() { button.textContent = "Copied"; }
        function select() {
          var range = document.createRange();
          range.selectNodeContents(source);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          button.textContent = "Selected: press Ctrl+C";
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, select);
        } else { select(); }
      });
    });
  }

  var api = window.doctorSite = { parseVersion: parseVersion, compare: compare,
    contains: contains, parseQuery: parseQuery, versionVerdict: versionVerdict, searched: null };
  initSearch();
  initCopy();
})();

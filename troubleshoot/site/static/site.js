/* uvicorn-doctor site: client-side search over the embedded index, and copy buttons.
   No framework, no network: the index is a JSON data block in index.html, so the
   search works from file:// as well as from any static host. */
(function () {
  "use strict";
  document.documentElement.className += " js"; // the stylesheet's no-JavaScript rules stop here

  /* ---- versions: looked up, never compared ----
     Whether a release has a failure was decided at export time by the function behind
     `doctor list --version` and `doctor show --version` (troubleshoot.versions.
     release_status): each record carries one status letter per release of its package
     (`by_release`, in the order of `releases[package]`). The browser only spells a typed
     version the canonical PEP 440 way (v prefix, trailing .0, alpha/beta/c/pre, -1 post,
     case) to find it in that list; it has no range logic of its own. */
  var VERSION = /^\s*v?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;
  var PRE = { a: "a", alpha: "a", b: "b", beta: "b", c: "rc", rc: "rc", pre: "rc", preview: "rc" };

  /* The normalised form of a PEP 440 version ("v0.10.0" -> "0.10"), or null if unreadable. */
  function canonicalVersion(text) {
    var m = VERSION.exec(String(text));
    if (!m) { return null; }
    var release = m[1].split(".").map(Number);
    while (release.length > 1 && release[release.length - 1] === 0) { release.pop(); }
    var out = release.join(".");
    if (m[2]) { out += PRE[m[2].toLowerCase()] + Number(m[3] || 0); }
    if (m[4] !== undefined) { out += ".post" + Number(m[4]); }
    else if (m[5] !== undefined) { out += ".post" + Number(m[6] || 0); }
    if (m[7]) { out += ".dev" + Number(m[8] || 0); }
    if (m[9]) { out += "+" + m[9].toLowerCase().replace(/[-_]/g, "."); }
    return out;
  }

  var tables = { releases: Object.create(null), keys: Object.create(null), codes: {} };

  /* Read the release lists and status letters of an index or fix-page document. */
  function useTables(doc) {
    tables.codes = doc.status_codes;
    Object.keys(doc.releases).forEach(function (pkg) {
      var keys = Object.create(null);
      doc.releases[pkg].forEach(function (release, i) {
        var key = canonicalVersion(release);
        if (key !== null && !(key in keys)) { keys[key] = i; }
      });
      tables.releases[pkg] = doc.releases[pkg];
      tables.keys[pkg] = keys;
    });
  }

  /* {index, release} of a typed version among the package's releases, or {text} saying why not. */
  function findRelease(pkg, typed) {
    var list = tables.releases[pkg];
    typed = String(typed).trim();
    if (!list || !list.length) { return { text: "No list of " + pkg + " releases here: see Affected versions." }; }
    var key = canonicalVersion(typed);
    if (key === null) { return { text: typed + " is not a version number (e.g. " + list[list.length - 1] + ")." }; }
    if (!(key in tables.keys[pkg])) {
      return { text: typed + " is not a " + pkg + " release on PyPI (known: " + list[0] + " to " + list[list.length - 1] + ")." };
    }
    var index = tables.keys[pkg][key];
    return { index: index, release: list[index] };
  }

  /* The sentence `doctor show ID --version V` starts with (render/entry_text.verdict_line). */
  function verdictSentence(record, release, status) {
    var fixed = record.fixed_in ? " (fixed in " + record.fixed_in + ")" : "";
    var words = {
      "affected": "affected by " + record.id + fixed,
      "conditional": "affected by " + record.id + " on some platforms, Pythons or package pairings only" + fixed,
      "fixed": "not affected: " + record.id + " is fixed in " + record.fixed_in,
      "not-affected": "not affected by " + record.id,
      "any-version": record.id + " is not version-specific: any release can hit it"
    };
    return record.package + " " + release + ": " + words[status];
  }

  /* {status, release, text}: status is a release_status value (affected, conditional, fixed,
     not-affected, any-version), or "unknown" when the version is not a known release. */
  function versionVerdict(record, version) {
    var found = findRelease(record.package, version);
    if (found.text) { return { status: "unknown", release: null, text: found.text }; }
    var status = tables.codes[record.by_release.charAt(found.index)];
    if (!status) { return { status: "unknown", release: null, text: "No verdict for " + found.release + "." }; }
    return { status: status, release: found.release, text: verdictSentence(record, found.release, status) };
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
  var QUERY_PACKAGE = "uvicorn"; // the package a version in the search box is a release of
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

  function search(items, query, kind, tag) {
    var out = [];
    items.forEach(function (item, position) {
      var r = item.record;
      if (kind && r.kind !== kind) { return; }
      if (tag && r.tags.indexOf(tag) < 0) { return; }
      var score = textScore(item, query);
      if (!score) { return; }
      // A version in the query is a uvicorn version: it judges uvicorn's entries only.
      var verdict = query.version && r.package === QUERY_PACKAGE ? versionVerdict(r, query.version) : null;
      if (verdict && verdict.status === "unknown") { verdict = null; }
      var hit = verdict && (verdict.status === "affected" || verdict.status === "conditional");
      if (query.version && !query.terms.length && !hit) {
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
    var found = findRelease(QUERY_PACKAGE, query.version);
    if (found.text) { return found.text; }
    var hard = results.filter(function (r) { return r.verdict && r.verdict.status === "affected"; });
    var soft = results.filter(function (r) { return r.verdict && r.verdict.status === "conditional"; });
    var text = hard.length
      ? "Yes: uvicorn " + found.release + " is affected by " + hard.length + " known failure" + (hard.length === 1 ? "" : "s") + "."
      : "No: uvicorn " + found.release + " is not affected by any version-bound entry" + (query.terms.length ? " matching your words" : "") + ".";
    if (soft.length) { text += " " + soft.length + " more only on some platforms, Pythons or package pairings."; }
    return text;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* A title's text as nodes: its `code spans` as <code> (CommonMark's rule: a run of N
     backticks is closed by the next run of exactly N; an unclosed run is text). */
  function titleNodes(parent, text) {
    var ticks = /`+/g, plainFrom = 0, m;
    function plain(end) { if (end > plainFrom) { parent.appendChild(document.createTextNode(text.slice(plainFrom, end))); } }
    while ((m = ticks.exec(text)) !== null) {
      var close = null, c, after = new RegExp("`+", "g");
      after.lastIndex = ticks.lastIndex;
      while ((c = after.exec(text)) !== null) { if (c[0].length === m[0].length) { close = c; break; } }
      if (!close) { continue; }
      plain(m.index);
      var code = text.slice(ticks.lastIndex, close.index).replace(/\n/g, " ");
      if (code.length > 2 && code.charAt(0) === " " && code.charAt(code.length - 1) === " " && code.trim()) {
        code = code.slice(1, -1);
      }
      parent.appendChild(el("code", "", code));
      plainFrom = close.index + close[0].length;
      ticks.lastIndex = plainFrom;
    }
    plain(text.length);
    return parent;
  }

  /* What a conditional verdict depends on, in words ("on Windows and Python >= 3.8"). */
  function whenText(record, verdict) {
    if (!verdict || verdict.status !== "conditional" || !record.when_by_release) { return ""; }
    var found = findRelease(record.package, verdict.release);
    var code = found.text ? "-" : record.when_by_release.charAt(found.index);
    var index = parseInt(code, 36);
    return isNaN(index) || !record.when[index] ? "" : "Only when: " + record.when[index] + ".";
  }

  function renderResults(list, results) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    results.forEach(function (res) {
      var r = res.record;
      var li = el("li");
      var a = titleNodes(el("a", ""), r.title);
      a.setAttribute("href", r.url);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "badge", r.kind));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "badge sev-" + r.severity, r.severity));
      if (res.verdict) {
        li.appendChild(el("p", "verdict " + res.verdict.status, res.verdict.text));
        var when = whenText(r, res.verdict);
        if (when) { li.appendChild(el("p", "when", when)); }
      }
      li.appendChild(el("p", "", r.summary.length > 220 ? r.summary.slice(0, 217) + "..." : r.summary));
      list.appendChild(li);
    });
  }

  function initSearch() {
    var data = document.getElementById("search-data");
    var form = document.getElementById("search-form");
    if (!data || !form) { return; }
    var doc = JSON.parse(data.textContent);
    useTables(doc);
    var items = doc.records.map(prepare);
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

  /* The fix page's "Am I affected?" box: the verdict for the typed version, from the same
     table as the search. `?v=0.10.3` fills it in. */
  function initVersionBox() {
    var data = document.getElementById("verdict-data"), input = document.getElementById("v");
    var out = document.getElementById("verdict"), field = document.getElementById("version-field");
    var when = document.getElementById("verdict-when");
    if (!data || !input || !out || !field) { return; }
    var doc = JSON.parse(data.textContent);
    useTables(doc);
    field.hidden = false;
    function update() {
      var typed = input.value.trim().slice(0, 100);
      var result = typed ? versionVerdict(doc.record, typed) : null;
      out.textContent = result ? result.text : "";
      out.className = "verdict" + (result ? " " + result.status : "");
      if (when) {
        when.textContent = whenText(doc.record, result);
        when.hidden = !when.textContent;
      }
      api.boxed = input.value;
    }
    input.addEventListener("input", update);
    var preset = new URLSearchParams(window.location.search).get("v");
    if (preset) { input.value = preset.slice(0, 100); }
    update();
  }

  /* Copy buttons: data-copy names the element to copy; without it, the <pre> beside the
     button (the code blocks of the fix text). Hidden until here, so without JavaScript a
     page shows the block alone (and one click selects all of it, see style.css). */
  function initCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
      var id = button.getAttribute("data-copy");
      var source = id ? document.getElementById(id) : button.parentNode.querySelector("pre");
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = source.textContent.replace(/\s+$/, "") + "\n";
        function done() { button.textContent = "Copied"; api.copied = text; }
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

  /* A long error is shown in a box of its own height: scrolled to its end, where a
     traceback names the exception. */
  function initError() {
    var pre = document.getElementById("error-text");
    if (pre && pre.scrollHeight > pre.clientHeight) { pre.scrollTop = pre.scrollHeight; }
  }

  var api = window.doctorSite = { canonicalVersion: canonicalVersion, findRelease: findRelease,
    parseQuery: parseQuery, versionVerdict: versionVerdict, searched: null, boxed: null,
    copied: null };
  initSearch();
  initVersionBox();
  initCopy();
  initError();
})();

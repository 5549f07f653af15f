// refkit's list page: search, filters, selection and copy/download. The entries are refkit's
// own output, embedded per format (see refkit/page.py); this script only concatenates them.
(() => {
  "use strict";
  const $ = (sel, root = document) => root.querySelector(sel);
  const form = $("#controls");
  const search = $('input[type="search"]', form);
  const facets = ["venue", "year", "keyword"].map((name) => form.elements[name]);
  const sortBox = form.elements.sort;
  const formatBox = form.elements.format;
  const copyBtn = $("#copy");
  const downloadBtn = $("#download");
  const clearBtn = $("#clear");
  const status = $("#status");
  const dialog = $("#cite-dialog");

  const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const sections = Array.from(document.querySelectorAll("#list section")).map((el) => ({
    el,
    list: $("ol", el),
    count: $("h2 .n", el),
    rows: [],
  }));
  const rows = [];
  const byKey = new Map();
  for (const section of sections) {
    for (const li of section.list.children) {
      const title = $(".t", li).textContent;
      const row = {
        li,
        section,
        key: li.dataset.key,
        index: Number(li.dataset.i),
        box: $('input[type="checkbox"]', li),
        venue: section.el.dataset.venue,
        year: li.dataset.year,
        keywords: li.dataset.kw ? li.dataset.kw.split("|") : [],
        title: fold(title),
        text: fold(`${title} ${$(".a", li).textContent} ${li.dataset.key}`),
        shown: true,
      };
      section.rows.push(row);
      rows.push(row);
      byKey.set(row.key, row);
    }
  }
  const selected = new Set();
  let anchor = null;
  // The entries, parsed on first use. Large lists embed them gzip-compressed (base64).
  let data = null;
  async function formats() {
    if (!data) {
      const el = $("#refkit-data");
      let json = el.textContent;
      if (el.type === "application/gzip+base64") {
        const bytes = Uint8Array.from(atob(json), (c) => c.charCodeAt(0));
        const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        json = await new Response(stream).text();
      }
      data = JSON.parse(json).formats;
    }
    return data;
  }

  // The text `refkit export --format FMT --key ...` prints for `keys`: entries in stored order.
  async function textFor(fmt, keys) {
    const f = (await formats())[fmt];
    const picked = keys.map((k) => byKey.get(k).index).sort((a, b) => a - b);
    if (!picked.length) return f.empty;
    return f.head + picked.map((i) => f.entries[i]).join(f.sep) + f.tail;
  }

  // ---- view state <-> URL fragment
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    search.value = p.get("q") || "";
    for (const box of [...facets, sortBox, formatBox]) {
      const v = p.get(box.name) || "";
      box.value = Array.from(box.options).some((o) => o.value === v) ? v : box.options[0].value;
    }
    selected.clear();
    for (const k of (p.get("sel") || "").split(",")) if (byKey.has(k)) selected.add(k);
    sortRows();
    update();
  }

  // Deferred: a same-document URL change costs tens of ms in Chromium, too much per keystroke.
  let hashTimer = 0;
  function writeHash() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHashNow, 250);
  }

  function writeHashNow() {
    const p = new URLSearchParams();
    if (search.value) p.set("q", search.value);
    for (const box of [...facets, sortBox]) if (box.value) p.set(box.name, box.value);
    if (formatBox.value !== formatBox.options[0].value) p.set("format", formatBox.value);
    if (selected.size) p.set("sel", rows.filter((r) => selected.has(r.key)).map((r) => r.key).join(","));
    const hash = p.toString() ? `#${p}` : "";
    if (hash === location.hash || (!hash && !location.hash)) return;
    try {
      history.replaceState(null, "", hash || location.pathname + location.search);
    } catch {
      location.replace(hash || "#");
    }
  }

  // ---- filtering, with counts per facet value under the other criteria
  function update() {
    const terms = fold(search.value).split(/\s+/).filter(Boolean);
    const [venue, year, keyword] = facets.map((b) => b.value);
    const counts = facets.map(() => new Map());
    const bump = (m, v) => m.set(v, (m.get(v) || 0) + 1);
    let shown = 0;
    for (const r of rows) {
      const q = terms.every((t) => r.text.includes(t));
      const v = !venue || r.venue === venue;
      const y = !year || r.year === year;
      const k = !keyword || r.keywords.includes(keyword);
      if (q && y && k) bump(counts[0], r.venue);
      if (q && v && k) bump(counts[1], r.year);
      if (q && v && y) for (const w of r.keywords) bump(counts[2], w);
      const show = q && v && y && k;
      if (show !== r.shown) {
        r.shown = show;
        r.li.hidden = !show;
      }
      shown += show;
    }
    facets.forEach((box, n) => {
      for (const o of box.options) {
        if (o.value) o.textContent = `${o.dataset.label} (${counts[n].get(o.value) || 0})`;
      }
    });
    for (const s of sections) {
      const n = s.rows.reduce((a, r) => a + r.shown, 0);
      s.el.hidden = !n;
      s.el.style.containIntrinsicSize = `auto ${3 + 5.5 * n}rem`;
      s.count.textContent = n === s.rows.length ? `(${n})` : `(${n} of ${s.rows.length})`;
    }
    $("#none").hidden = shown > 0;
    $("#shown").textContent = `${shown} of ${rows.length} papers shown`;
    updateSelection();
  }

  function updateSelection() {
    for (const r of rows) {
      const sel = selected.has(r.key);
      if (r.box.checked !== sel) r.box.checked = sel;
      if (r.li.classList.contains("sel") !== sel) r.li.classList.toggle("sel", sel);
    }
    $("#count").textContent = `${selected.size} selected`;
    copyBtn.disabled = downloadBtn.disabled = clearBtn.disabled = !selected.size;
    writeHash();
  }

  function sortRows() {
    const how = sortBox.value;
    const by = {
      "": null,
      "year-desc": (a, b) => b.year - a.year || a.title.localeCompare(b.title),
      title: (a, b) => a.title.localeCompare(b.title) || a.year - b.year,
    }[how];
    for (const s of sections) {
      const order = by ? [...s.rows].sort(by) : s.rows;
      s.list.append(...order.map((r) => r.li));
    }
  }

  // ---- selection: click, shift-click for a range of shown rows, select all shown
  $("#list").addEventListener("click", (event) => {
    const box = event.target.closest('input[type="checkbox"]');
    if (box) {
      const row = byKey.get(box.closest("li").dataset.key);
      const on = box.checked;
      let range = [row];
      if (event.shiftKey && anchor && anchor !== row) {
        const order = Array.from(document.querySelectorAll("#list li[data-key]:not([hidden])"));
        const [a, b] = [order.indexOf(anchor.li), order.indexOf(row.li)].sort((x, y) => x - y);
        if (a >= 0) range = order.slice(a, b + 1).map((li) => byKey.get(li.dataset.key));
      }
      for (const r of range) on ? selected.add(r.key) : selected.delete(r.key);
      anchor = row;
      updateSelection();
      return;
    }
    const cite = event.target.closest("button.cite");
    if (cite) openCite(byKey.get(cite.closest("li").dataset.key), cite);
  });
  $("#select-shown").addEventListener("click", () => {
    for (const r of rows) if (r.shown) selected.add(r.key);
    updateSelection();
    say(`${selected.size} selected`);
  });
  clearBtn.addEventListener("click", () => {
    selected.clear();
    anchor = null;
    updateSelection();
    say("Selection cleared");
  });

  // ---- copy and download
  const keys = () => rows.filter((r) => selected.has(r.key)).map((r) => r.key);
  let sayTimer = 0;
  function say(text, el = status) {
    el.textContent = text;
    clearTimeout(sayTimer);
    sayTimer = setTimeout(() => (el.textContent = ""), 6000);
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // No async clipboard (older browser, no permission): a copy event keeps CR LF intact.
      const put = (e) => {
        e.clipboardData.setData("text/plain", text);
        e.preventDefault();
      };
      document.addEventListener("copy", put, { once: true });
      const ok = document.execCommand("copy");
      document.removeEventListener("copy", put);
      return ok;
    }
  }

  const label = () => formatBox.selectedOptions[0].textContent;
  const plural = (n) => `${n} ${n === 1 ? "entry" : "entries"}`;
  copyBtn.addEventListener("click", async () => {
    const ok = await copyText(await textFor(formatBox.value, keys()));
    say(ok ? `Copied ${plural(selected.size)} (${label()})` : "Copy failed: use Download");
  });
  downloadBtn.addEventListener("click", async () => {
    const f = (await formats())[formatBox.value];
    const text = await textFor(formatBox.value, keys());
    const blob = new Blob([text], { type: `${f.mime};charset=utf-8` });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = f.file;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    say(`Saved ${f.file} (${plural(selected.size)}, ${f.label})`);
  });

  // ---- one paper's entry
  let citeRow = null;
  async function openCite(row, opener) {
    citeRow = row;
    $("h2", dialog).textContent = `${row.key}: ${label()}`;
    $("pre", dialog).textContent = await textFor(formatBox.value, [row.key]);
    $("#cite-status").textContent = "";
    dialog.returnFocus = opener;
    dialog.showModal();
    $("#cite-copy").focus();
  }
  $("#cite-copy").addEventListener("click", async () => {
    const ok = await copyText(await textFor(formatBox.value, [citeRow.key]));
    say(ok ? `Copied ${label()} for ${citeRow.key}` : "Copy failed: select the text", $("#cite-status"));
  });
  $("#cite-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.returnFocus && dialog.returnFocus.focus());

  // ---- wiring
  search.addEventListener("input", update);
  for (const box of facets) box.addEventListener("change", update);
  sortBox.addEventListener("change", () => {
    sortRows();
    writeHash();
  });
  formatBox.addEventListener("change", writeHash);
  form.addEventListener("submit", (e) => e.preventDefault());
  window.addEventListener("hashchange", readHash);
  window.addEventListener("pagehide", writeHashNow);
  readHash();
  performance.mark("refkit-ready"); // bench/page.py measures first render up to here
})();

/* newsweave web page: the story list and one story's brief, read from the HTTP API.
 *
 * Every piece of article-derived text reaches the page through text nodes (el() / text()),
 * never through innerHTML: article text is untrusted.
 */
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const view = document.getElementById("view");
const notice = document.getElementById("notice");
const pop = document.getElementById("cite-pop");
const articleCache = new Map();

/* ---- small DOM helpers (text only) ---------------------------------------------------- */

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function section(id, title, ...children) {
  return el("section", { id, class: "block" }, el("h2", {}, title), ...children);
}

function showNotice(message) {
  notice.textContent = message;
  notice.hidden = !message;
}

/* ---- API -------------------------------------------------------------------------------- */

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body;
}

function articleText(id) {
  if (!articleCache.has(id)) {
    const pending = api(`/api/articles/${encodeURIComponent(id)}?annotations=false`).then(
      (body) => ({ ...body.article, chars: Array.from(body.article.text) })
    );
    pending.catch(() => articleCache.delete(id));
    articleCache.set(id, pending);
  }
  return articleCache.get(id);
}

/* Offsets count Unicode code points (Python), not UTF-16 units. */
function cited(article, citation) {
  return article.chars.slice(citation.start, citation.end).join("");
}

/* ---- formatting ------------------------------------------------------------------------- */

function day(iso) {
  return iso ? iso.slice(0, 10) : "";
}

function span(first, last) {
  if (!first) return "date unknown";
  return day(first) === day(last) || !last ? day(first) : `${day(first)} – ${day(last)}`;
}

function sourceName(ref) {
  if (ref.source) return ref.source;
  if (ref.path) return ref.path.split("/").pop();
  return ref.article_id;
}

function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (err) {
    return null;
  }
}

/* ---- story list ----------------------------------------------------------------------- */

function listParams() {
  const params = new URLSearchParams();
  const fields = { q: "q", "f-source": "source", "f-entity": "entity", "f-since": "since", "f-until": "until" };
  for (const [id, name] of Object.entries(fields)) {
    const value = document.getElementById(id).value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

function storyCard(row) {
  const meta = [`${row.articles} article${row.articles === 1 ? "" : "s"}`, span(row.first, row.last)];
  if (row.matches !== undefined) meta.push(`${row.matches} matching`);
  return el(
    "li",
    { class: "story-card" },
    el("a", { class: "story-link", href: `#/story/${encodeURIComponent(row.story_id)}` }, row.headline || row.story_id),
    el("div", { class: "meta" }, meta.join(" · ")),
    el("div", { class: "meta sources" }, row.sources.join(", ")),
    row.entities.length ? el("div", { class: "chips" }, row.entities.map((name) => el("span", { class: "chip" }, name))) : null
  );
}

async function showList(params) {
  view.replaceChildren(el("p", { class: "loading" }, "Loading stories…"));
  const heading = params.get("q") ? `Stories matching “${params.get("q")}”` : "Stories";
  const list = el("ul", { id: "stories", class: "stories" });
  const count = el("p", { class: "meta", id: "story-count" });
  const more = el("button", { id: "more", type: "button", hidden: true }, "More stories");
  view.replaceChildren(el("h1", {}, heading), count, list, more);
  let offset = 0;
  async function load() {
    params.set("offset", String(offset));
    const page = await api(`/api/stories?${params}`);
    for (const row of page.stories) list.append(storyCard(row));
    count.textContent = `${page.total} stor${page.total === 1 ? "y" : "ies"}`;
    if (page.total === 0) list.append(el("li", { class: "empty" }, "No story matches; try other words or fewer filters."));
    offset = page.next_offset;
    more.hidden = offset === null;
  }
  more.addEventListener("click", () => load().catch((err) => showNotice(err.message)));
  await load();
}

/* ---- citations ------------------------------------------------------------------------ */

function citationButtons(citations, numbers) {
  return citations.map((c) =>
    el(
      "button",
      {
        type: "button",
        class: "cite",
        "data-article": c.article_id,
        "data-start": c.start,
        "data-end": c.end,
        title: "Show the cited sentence",
      },
      `[${numbers.get(c.article_id) || "?"}]`
    )
  );
}

let pinned = null;

async function revealCitation(button, refs, pin) {
  const id = button.dataset.article;
  const citation = { start: Number(button.dataset.start), end: Number(button.dataset.end) };
  const ref = refs.get(id) || { article_id: id };
  if (pin) pinned = button;
  pop.replaceChildren(el("p", { class: "pop-source" }, `${button.textContent} ${sourceName(ref)}`), el("p", { class: "loading" }, "Loading…"));
  placePopover(button);
  try {
    const article = await articleText(id);
    const quote = el("blockquote", { class: "pop-text" }, cited(article, citation));
    const title = article.title ? el("p", { class: "pop-title" }, article.title) : null;
    pop.replaceChildren(el("p", { class: "pop-source" }, `${button.textContent} ${sourceName(ref)}`), title, quote);
    placePopover(button);
  } catch (err) {
    pop.replaceChildren(el("p", { class: "error" }, `Cannot load the source: ${err.message}`));
  }
}

function placePopover(button) {
  pop.hidden = false;
  const box = button.getBoundingClientRect();
  const width = Math.min(420, window.innerWidth - 16);
  pop.style.width = `${width}px`;
  const left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
  pop.style.left = `${left}px`;
  pop.style.top = `${box.bottom + window.scrollY + 6}px`;
}

function hidePopover() {
  pinned = null;
  pop.hidden = true;
}

function wireCitations(root, refs) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button.cite");
    if (!button) return;
    if (pinned === button && !pop.hidden) hidePopover();
    else revealCitation(button, refs, true);
  });
  root.addEventListener("mouseover", (event) => {
    const button = event.target.closest("button.cite");
    if (button && !pinned) revealCitation(button, refs, false);
  });
  root.addEventListener("mouseout", (event) => {
    const button = event.target.closest("button.cite");
    if (button && !pinned) pop.hidden = true;
  });
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") hidePopover();
});
document.addEventListener("click", (event) => {
  if (!event.target.closest("button.cite") && !event.target.closest("#cite-pop")) hidePopover();
});

/* ---- brief sections -------------------------------------------------------------------- */

function discrepancySection(items, numbers) {
  const body = items.length
    ? el(
        "ul",
        { class: "discrepancies" },
        items.map((d) =>
          el(
            "li",
            { class: "discrepancy" },
            el("h3", {}, d.topic, " ", el("span", { class: "badge" }, d.kind)),
            el("p", { class: "reason" }, d.reason),
            el(
              "ul",
              { class: "claims" },
              (d.claims || []).map((c) => el("li", {}, c.text, " ", citationButtons(c.citations || [], numbers)))
            )
          )
        )
      )
    : el("p", { class: "meta empty" }, "The sources do not disagree on any figure, date or quote that was compared.");
  return section("discrepancies", "Where the sources differ", body);
}

function summarySection(items, numbers) {
  return section(
    "summary",
    "Summary",
    el("ol", { class: "summary" }, items.map((s) => el("li", {}, s.text, " ", citationButtons(s.citations, numbers))))
  );
}

function support(s) {
  return `${s.articles} article${s.articles === 1 ? "" : "s"}, ${s.independent} independent`;
}

function factsSection(items, numbers) {
  if (!items.length) return null;
  return section(
    "facts",
    "Key facts",
    el(
      "ul",
      { class: "facts" },
      items.map((f) => el("li", {}, f.text, " ", el("span", { class: "badge" }, support(f.support)), " ", citationButtons(f.citations, numbers)))
    )
  );
}

function quotesSection(items, numbers) {
  if (!items.length) return null;
  const bySpeaker = new Map();
  for (const q of items) {
    if (!bySpeaker.has(q.speaker)) bySpeaker.set(q.speaker, []);
    bySpeaker.get(q.speaker).push(q);
  }
  const groups = [...bySpeaker].map(([speaker, quotes]) =>
    el(
      "div",
      { class: "speaker" },
      el("h3", {}, speaker),
      quotes.map((q) =>
        el("blockquote", { class: "quote" }, `“${q.text}”`, " ", q.cue ? el("span", { class: "meta" }, `(${q.cue})`) : null, " ", citationButtons(q.citations, numbers))
      )
    )
  );
  return section("quotes", "Who said what", groups);
}

function entitiesSection(items) {
  if (!items.length) return null;
  return section(
    "entities",
    "People and organisations",
    el(
      "ul",
      { class: "entities" },
      items.map((e) => el("li", {}, el("strong", {}, e.name), " ", el("span", { class: "badge" }, e.type), e.roles.length ? ` — ${e.roles.join("; ")}` : ""))
    )
  );
}

/* "2025-10-30", "2025-05", "2025", "2025-10-25/2025-10-26" -> [start, end] in ms. */
function dateRange(value) {
  const [a, b] = String(value).split("/");
  const parse = (text, end) => {
    const parts = text.split("-").map(Number);
    if (!parts[0]) return NaN;
    const [y, m, d] = parts;
    if (parts.length === 1) return end ? Date.UTC(y, 11, 31) : Date.UTC(y, 0, 1);
    if (parts.length === 2) return end ? Date.UTC(y, m, 0) : Date.UTC(y, m - 1, 1);
    return Date.UTC(y, m - 1, d);
  };
  return [parse(a, false), parse(b || a, true)];
}

function timelineChart(items) {
  const points = items.map((t) => ({ t, range: dateRange(t.date) })).filter((p) => !Number.isNaN(p.range[0]));
  if (!points.length) return null;
  const lo = Math.min(...points.map((p) => p.range[0]));
  const hi = Math.max(...points.map((p) => p.range[1]));
  const rowHeight = 34;
  const top = 16;
  const height = top * 2 + rowHeight * (points.length - 1) + 10;
  const axis = 110;
  const width = 640;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "timeline-chart", role: "img", "aria-label": "Timeline of the story" });
  chart.append(svg("line", { x1: axis, y1: top - 8, x2: axis, y2: height - 8, class: "axis" }));
  const scale = (ms) => (hi === lo ? 0.5 : (ms - lo) / (hi - lo));
  points.forEach((p, n) => {
    const y = top + n * rowHeight;
    // Position along a short bar to the left of the axis shows where in the span it falls.
    const x0 = axis - 90 + 80 * scale(p.range[0]);
    const x1 = axis - 90 + 80 * scale(p.range[1]);
    chart.append(svg("line", { x1: axis - 90, y1: y, x2: axis - 10, y2: y, class: "track" }));
    if (x1 - x0 > 2) chart.append(svg("line", { x1: x0, y1: y, x2: x1, y2: y, class: "range" }));
    chart.append(svg("circle", { cx: x0, cy: y, r: 5, class: p.t.scheduled ? "dot scheduled" : "dot" }));
    chart.append(svg("circle", { cx: axis, cy: y, r: 4, class: "tick" }));
    const label = `${p.t.date}${p.t.scheduled ? " (scheduled)" : ""}`;
    chart.append(svg("text", { x: axis + 12, y: y - 2, class: "when" }, label));
    const event = p.t.event.length > 90 ? `${p.t.event.slice(0, 89)}…` : p.t.event;
    const text = svg("text", { x: axis + 12, y: y + 12, class: "event" }, event);
    text.append(svg("title", {}, p.t.event));
    chart.append(text);
  });
  return chart;
}

function timelineSection(items, numbers) {
  if (!items.length) return null;
  return section(
    "timeline",
    "Timeline",
    el("div", { class: "chart-wrap" }, timelineChart(items)),
    el(
      "ol",
      { class: "timeline" },
      items.map((t) =>
        el(
          "li",
          {},
          el("time", {}, t.date),
          t.scheduled ? el("span", { class: "badge" }, "scheduled") : null,
          " ",
          t.event,
          " ",
          citationButtons(t.citations, numbers)
        )
      )
    )
  );
}

/* The coverage matrix: which source backs which statement; copied wording is marked. */
function sourcesSection(brief, numbers) {
  const rows = [];
  const seen = new Set();
  for (const item of [...brief.summary, ...brief.facts]) {
    if (seen.has(item.text)) continue;
    seen.add(item.text);
    rows.push(item);
  }
  const quality = new Map();
  for (const s of Array.isArray(brief.sources) ? brief.sources : []) {
    if (s && s.article_id) quality.set(s.article_id, s);
  }
  const head = el(
    "tr",
    {},
    el("th", { scope: "col" }, "Statement"),
    brief.articles.map((a) =>
      el("th", { scope: "col", title: a.title || "" }, `[${numbers.get(a.article_id)}]`, el("span", { class: "col-name" }, sourceName(a)), flagList(quality.get(a.article_id)))
    )
  );
  const body = rows.map((item) => {
    const cells = brief.articles.map((a) => {
      const hit = item.citations.find((c) => c.article_id === a.article_id);
      if (!hit) return el("td", { class: "cell" }, "");
      return el("td", { class: "cell hit", "data-article": a.article_id, "data-start": hit.start, "data-end": hit.end }, "●");
    });
    return el("tr", {}, el("th", { scope: "row", class: "statement" }, item.text), cells);
  });
  const table = el("table", { class: "matrix" }, el("thead", {}, head), el("tbody", {}, body));
  markCopies(table, brief.articles);
  const list = el(
    "ol",
    { class: "source-list" },
    brief.articles.map((a) => {
      const href = a.url ? safeHref(a.url) : null;
      return el(
        "li",
        {},
        el("strong", {}, sourceName(a)),
        a.title ? ` — ${a.title}` : "",
        " ",
        el("span", { class: "meta" }, a.published ? `${day(a.published)} (${a.date_origin})` : "date unknown"),
        href ? [" ", el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, "link")] : null,
        flagList(quality.get(a.article_id))
      );
    })
  );
  return section(
    "sources",
    "Sources side by side",
    el("p", { class: "meta" }, "● the source states it; ", el("span", { class: "legend copied" }, "●"), " in wording copied from an earlier source."),
    el("div", { class: "matrix-wrap" }, table),
    list
  );
}

function flagList(entry) {
  if (!entry) return null;
  const flags = Array.isArray(entry.flags) ? entry.flags : Array.isArray(entry.quality) ? entry.quality : [];
  const labels = flags.map((f) => (typeof f === "string" ? f : f && (f.flag || f.kind || f.reason) ? f.flag || f.kind || f.reason : JSON.stringify(f)));
  if (entry.copy_of) labels.push(`copy of ${entry.copy_of}`);
  if (!labels.length) return null;
  return el("span", { class: "flags" }, labels.map((l) => el("span", { class: "flag" }, l)));
}

async function markCopies(table, articles) {
  const order = articles.map((a) => a.article_id);
  let texts;
  try {
    texts = new Map(await Promise.all(order.map(async (id) => [id, await articleText(id)])));
  } catch (err) {
    return;
  }
  for (const row of table.tBodies[0].rows) {
    const earlier = new Set();
    for (const cell of row.querySelectorAll("td.hit")) {
      const words = cited(texts.get(cell.dataset.article), { start: Number(cell.dataset.start), end: Number(cell.dataset.end) })
        .split(/\s+/)
        .join(" ")
        .toLowerCase();
      if (earlier.has(words)) {
        cell.classList.add("copied");
        cell.title = "same wording as an earlier source";
      }
      earlier.add(words);
    }
  }
}

async function showStory(id) {
  hidePopover();
  view.replaceChildren(el("p", { class: "loading" }, "Building the brief…"));
  const brief = await api(`/api/stories/${encodeURIComponent(id)}`);
  const numbers = new Map(brief.articles.map((a, n) => [a.article_id, n + 1]));
  const refs = new Map(brief.articles.map((a) => [a.article_id, a]));
  const dates = brief.articles.map((a) => a.published).filter(Boolean).sort();
  const story = el(
    "article",
    { class: "brief" },
    el("p", {}, el("a", { href: "#/", class: "back" }, "← All stories")),
    el("h1", { id: "headline" }, brief.headline),
    el("p", { class: "meta" }, `${brief.articles.length} sources · ${span(dates[0], dates[dates.length - 1])}`),
    discrepancySection(brief.discrepancies || [], numbers),
    summarySection(brief.summary, numbers),
    factsSection(brief.facts, numbers),
    quotesSection(brief.quotes, numbers),
    timelineSection(brief.timeline, numbers),
    entitiesSection(brief.entities),
    sourcesSection(brief, numbers)
  );
  wireCitations(story, refs);
  view.replaceChildren(story);
  document.title = `${brief.headline} — newsweave`;
}

/* ---- routing ------------------------------------------------------------------------- */

async function route() {
  showNotice("");
  const hash = location.hash || "#/";
  try {
    if (hash.startsWith("#/story/")) {
      await showStory(decodeURIComponent(hash.slice("#/story/".length)));
    } else {
      const params = new URLSearchParams(hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "");
      const fields = { q: "q", source: "f-source", entity: "f-entity", since: "f-since", until: "f-until" };
      for (const [name, id] of Object.entries(fields)) document.getElementById(id).value = params.get(name) || "";
      document.title = "newsweave";
      await showList(params);
    }
  } catch (err) {
    view.replaceChildren(el("p", { class: "error" }, err.message));
    showNotice(err.message);
  }
}

document.getElementById("search").addEventListener("submit", (event) => {
  event.preventDefault();
  const params = listParams();
  const target = params.toString() ? `#/?${params}` : "#/";
  if (location.hash === target) route();
  else location.hash = target;
});

window.addEventListener("hashchange", route);
route();

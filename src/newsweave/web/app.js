/* newsweave web page: the story list and one story's brief, read from the HTTP API.
 *
 * The page shows the server's analysis and computes none of its own: copies, coverage,
 * quality, support, quote variants and first reports all come from the brief's JSON.
 * Every piece of article-derived text reaches the page through text nodes (el() / svg()),
 * never through innerHTML: article text is untrusted.
 *
 * Citation offsets count Unicode code points into the stored article text; each citation
 * carries its cited text, so a marker shows its sentences without another request.
 */
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const view = document.getElementById("view");
const notice = document.getElementById("notice");
const pop = document.getElementById("cite-pop");
let navigation = 0; // bumped on every route change; stale polls stop

/* ---- small DOM helpers (text only) ---------------------------------------------------- */

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
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

function plural(count, word, many) {
  return `${count} ${count === 1 ? word : many || `${word}s`}`;
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
  return { status: response.status, body, retry: Number(response.headers.get("Retry-After")) };
}

/* ---- formatting ------------------------------------------------------------------------- */

function day(iso) {
  return iso ? iso.slice(0, 10) : "";
}

function span(first, last) {
  if (!first) return "date unknown";
  return day(first) === day(last) || !last ? day(first) : `${day(first)} – ${day(last)}`;
}

function outlet(ref) {
  return (ref && ref.source) || "unknown outlet";
}

function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (err) {
    return null;
  }
}

function supportText(s) {
  return `${plural(s.articles, "article")} · ${s.independent} independent`;
}

function supportBadge(s) {
  if (!s) return null;
  return el("span", { class: s.independent <= 1 ? "badge weak" : "badge" }, supportText(s));
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
  const facts = [
    span(row.first, row.last),
    `${plural(row.articles, "article")} from ${plural(row.sources.length, "outlet")}`,
  ];
  if (row.independent !== null && row.independent !== undefined) facts.push(`${row.independent} independent`);
  if (row.discrepancies !== null && row.discrepancies !== undefined) {
    facts.push(plural(row.discrepancies, "discrepancy", "discrepancies"));
  }
  if (row.matches !== undefined && row.matches !== null) facts.push(`${row.matches} matching`);
  return el(
    "li",
    { class: "story-card", "data-story": row.story_id },
    el("a", { class: "story-link", href: `#/story/${encodeURIComponent(row.story_id)}` }, row.headline || row.story_id),
    row.lede ? el("p", { class: "lede" }, row.lede) : null,
    el(
      "div",
      { class: "meta facts-line" },
      facts.join(" · "),
      row.built ? null : el("span", { class: "badge pending", title: "Opening it builds the brief (a few seconds)" }, "not built yet")
    ),
    el("div", { class: "meta sources" }, row.sources.join(", ")),
    row.entities.length ? el("div", { class: "chips" }, row.entities.map((name) => el("span", { class: "chip" }, name))) : null
  );
}

async function showList(params) {
  const heading = params.get("q") ? `Stories matching “${params.get("q")}”` : "Stories";
  const list = el("ul", { id: "stories", class: "stories" });
  const count = el("p", { class: "meta", id: "story-count" }, "Loading stories…");
  const more = el("button", { id: "more", type: "button", hidden: true }, "More stories");
  view.replaceChildren(el("h1", {}, heading), count, list, more);
  let offset = 0;
  async function load() {
    params.set("offset", String(offset));
    const { body: page } = await api(`/api/stories?${params}`);
    for (const row of page.stories) list.append(storyCard(row));
    count.textContent = plural(page.total, "story", "stories");
    if (page.total === 0) list.append(el("li", { class: "empty" }, "No story matches; try other words or fewer filters."));
    offset = page.next_offset;
    more.hidden = offset === null;
  }
  more.addEventListener("click", () => load().catch((err) => showNotice(err.message)));
  await load();
}

/* ---- sources and citations ------------------------------------------------------------ */

/* Each article is numbered once, in the brief's order; markers name it by that number. */
class Sources {
  constructor(brief) {
    this.refs = brief.articles;
    this.number = new Map(brief.articles.map((a, n) => [a.article_id, n + 1]));
  }
  ref(id) {
    return this.refs[this.number.get(id) - 1];
  }
  label(id) {
    const n = this.number.get(id);
    return n ? `[${n}] ${outlet(this.ref(id))}` : "another source";
  }
  /* Distinct articles of some citations, in source-number order. */
  articles(citations) {
    const ids = [...new Set((citations || []).map((c) => c.article_id))].filter((id) => this.number.has(id));
    return ids.sort((a, b) => this.number.get(a) - this.number.get(b));
  }
  outlets(citations) {
    return [...new Set(this.articles(citations).map((id) => outlet(this.ref(id))))];
  }
}

const citedSpans = new WeakMap(); // marker button -> its citations

/* One marker per cited article, sorted, each once; it carries all that article's spans. */
function markers(citations, sources) {
  const buttons = sources.articles(citations).map((id) => {
    const button = el(
      "button",
      { type: "button", class: "cite", "data-article": id, title: `Show what ${outlet(sources.ref(id))} says` },
      `[${sources.number.get(id)}]`
    );
    citedSpans.set(
      button,
      citations.filter((c) => c.article_id === id).sort((a, b) => a.start - b.start)
    );
    return button;
  });
  return buttons.length ? el("span", { class: "cites" }, buttons) : null;
}

let pinned = null;

function revealCitation(button, sources, pin) {
  const id = button.dataset.article;
  const ref = sources.ref(id) || {};
  if (pin) pinned = button;
  const spans = citedSpans.get(button) || [];
  const head = el("p", { class: "pop-source" }, `${sources.label(id)}`, ref.published ? el("span", { class: "meta" }, ` · ${day(ref.published)}`) : null);
  const title = ref.title ? el("p", { class: "pop-title" }, ref.title) : null;
  const quotes = spans.map((c) =>
    el("blockquote", { class: "pop-text" }, typeof c.text === "string" ? c.text : `characters ${c.start}–${c.end}`)
  );
  pop.replaceChildren(head, title, ...quotes);
  placePopover(button);
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

function wireCitations(root, sources) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button.cite");
    if (!button) return;
    if (pinned === button && !pop.hidden) hidePopover();
    else revealCitation(button, sources, true);
  });
  root.addEventListener("mouseover", (event) => {
    const button = event.target.closest("button.cite");
    if (button && !pinned) revealCitation(button, sources, false);
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

function discrepancySection(items, sources) {
  if (!items.length) {
    return section("discrepancies", "Where the sources differ", el("p", { class: "meta empty" }, "The sources do not disagree on any figure, date or quote that was compared."));
  }
  const list = el(
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
          (d.claims || []).map((c) =>
            el(
              "li",
              { class: "claim" },
              el("span", { class: "side" }, sources.outlets(c.citations).join(", ") || "unknown outlet"),
              " ",
              supportBadge(c.support),
              el("span", { class: "claim-text" }, c.text),
              " ",
              markers(c.citations, sources)
            )
          )
        )
      )
    )
  );
  return section("discrepancies", "Where the sources differ", list);
}

function summarySection(items, sources) {
  if (!items.length) return null;
  return section(
    "summary",
    "Summary",
    el("ol", { class: "summary" }, items.map((s) => el("li", {}, s.text, " ", supportBadge(s.support), " ", markers(s.citations, sources))))
  );
}

function factsSection(items, sources) {
  if (!items.length) return null;
  const shared = items.filter((f) => f.support.articles > 1);
  const single = items.filter((f) => f.support.articles <= 1);
  const row = (f) => el("li", {}, f.text, " ", supportBadge(f.support), " ", markers(f.citations, sources));
  return section(
    "facts",
    "Key facts",
    shared.length ? el("ul", { class: "facts" }, shared.map(row)) : null,
    single.length ? [el("h3", {}, "Reported by one source only"), el("ul", { class: "facts single" }, single.map(row))] : null
  );
}

function capitalized(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function quotesSection(items, sources) {
  if (!items.length) return null;
  const bySpeaker = new Map();
  for (const q of items) {
    const who = q.speaker || "Unattributed";
    if (!bySpeaker.has(who)) bySpeaker.set(who, []);
    bySpeaker.get(who).push(q);
  }
  const groups = [...bySpeaker].map(([speaker, quotes]) =>
    el(
      "div",
      { class: "speaker" },
      el("h3", {}, speaker),
      quotes.map((q) =>
        el(
          "div",
          { class: "quote" },
          el("blockquote", {}, `“${q.text}”`, " ", q.cue ? el("span", { class: "meta" }, `(${q.cue})`) : null, " ", markers(q.citations, sources)),
          typeof q.note === "string" && q.note.trim() ? el("p", { class: "meta quote-note" }, capitalized(q.note.trim())) : null,
          q.variants && q.variants.length
            ? el(
                "details",
                { class: "variants" },
                el("summary", {}, `${plural(q.variants.length, "other rendering")}`),
                el("ul", {}, q.variants.map((v) => el("li", {}, `“${v.text}”`, " ", markers(v.citations, sources))))
              )
            : null
        )
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
      items.map((e) => el("li", {}, el("strong", {}, e.name), " ", el("span", { class: "badge" }, e.kind || e.type), e.roles.length ? ` — ${e.roles.join("; ")}` : ""))
    )
  );
}

/* ---- timeline: a real time axis ------------------------------------------------------- */

const DAY = 86400000;

/* "2025-10-30", "2025-05", "2025", "2025-W44", "2025-10-25/2025-10-26" -> [start, end] ms. */
function dateRange(value) {
  const [a, b] = String(value).split("/");
  const parse = (text, end) => {
    const week = /^(\d{4})-W(\d{2})$/.exec(text);
    if (week) {
      const jan4 = Date.UTC(Number(week[1]), 0, 4);
      const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY + (Number(week[2]) - 1) * 7 * DAY;
      return end ? monday + 6 * DAY : monday;
    }
    const parts = text.split("-").map(Number);
    if (!parts[0]) return NaN;
    const [y, m, d] = parts;
    if (parts.length === 1) return end ? Date.UTC(y, 11, 31) : Date.UTC(y, 0, 1);
    if (parts.length === 2) return end ? Date.UTC(y, m, 0) : Date.UTC(y, m - 1, 1);
    return Date.UTC(y, m - 1, d);
  };
  return [parse(a, false), parse(b || a, true)];
}

/* Segments of the axis: a gap much longer than the story's core span breaks the axis, so
 * one far-off date ("in 1998") does not squeeze every other point together. */
function axisSegments(points) {
  const times = [...new Set(points.map((p) => p.range[0]))].sort((x, y) => x - y);
  const segments = [[times[0], times[0]]];
  // The story's core: where the middle 80% of its dates lie (outliers left out).
  const low = times[Math.floor(0.1 * (times.length - 1))];
  const high = times[Math.ceil(0.9 * (times.length - 1))];
  const core = Math.max(7 * DAY, high - low);
  for (let i = 1; i < times.length; i += 1) {
    const gap = times[i] - times[i - 1];
    if (gap > 21 * DAY && gap > 0.35 * core) segments.push([times[i], times[i]]);
    else segments[segments.length - 1][1] = times[i];
  }
  return segments;
}

function timelineSection(items, sources) {
  if (!items.length) return null;
  const points = items
    .map((t) => ({ t, range: dateRange(t.date) }))
    .filter((p) => !Number.isNaN(p.range[0]))
    .sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const undated = items.filter((t) => Number.isNaN(dateRange(t.date)[0]));
  const segments = axisSegments(points);
  const wrap = el("div", { class: "tl", role: "list", "aria-label": "Timeline of the story" });
  const axis = svg("svg", { class: "tl-axis", "aria-hidden": "true" });
  wrap.append(axis);
  const labels = points.map((p) =>
    el(
      "div",
      { class: p.t.scheduled ? "tl-event scheduled" : "tl-event", role: "listitem", "data-date": p.t.date },
      el("time", {}, p.t.date),
      p.t.scheduled ? el("span", { class: "badge" }, "scheduled") : null,
      " ",
      el("span", { class: "tl-text" }, p.t.event),
      " ",
      supportBadge(p.t.support),
      " ",
      markers(p.t.citations, sources)
    )
  );
  for (const label of labels) wrap.append(label);
  const layout = () => layoutTimeline(wrap, axis, points, segments, labels);
  new ResizeObserver(layout).observe(wrap);
  return section(
    "timeline",
    "Timeline",
    segments.length > 1 ? el("p", { class: "meta" }, "The time axis is broken (≈) where months or years pass between events.") : null,
    wrap,
    undated.length ? el("ul", { class: "meta" }, undated.map((t) => el("li", {}, t.date, " ", t.event))) : null
  );
}

/* Place each event at its date on a vertical axis; labels never overlap (a label that would
 * is moved down and joined to its mark by a leader line). */
function layoutTimeline(wrap, axis, points, segments, labels) {
  if (!wrap.isConnected || !points.length) return;
  const axisX = 92; // labels start at axisX + 22 (style.css .tl-event)
  const breakGap = 34;
  const gap = 6;
  // The axis is as tall as the stacked labels, so marks and labels stay side by side.
  const stacked = labels.reduce((sum, label) => sum + label.offsetHeight + gap, 0);
  const spans = segments.map((s) => Math.max(DAY, s[1] - s[0]));
  const total = spans.reduce((a, b) => a + b, 0);
  const budget = Math.max(200, stacked - breakGap * (segments.length - 1));
  const heights = spans.map((s) => Math.max(24, (budget * s) / total));
  const tops = [];
  let y = 16;
  for (const h of heights) {
    tops.push(y);
    y += h + breakGap;
  }
  const place = (ms) => {
    const i = segments.findIndex((s) => ms >= s[0] - DAY / 2 && ms <= s[1] + DAY / 2);
    const k = i < 0 ? segments.length - 1 : i;
    const frac = spans[k] <= DAY ? 0 : (ms - segments[k][0]) / spans[k];
    return tops[k] + Math.max(0, Math.min(1, frac)) * heights[k];
  };
  axis.replaceChildren();
  let next = 0;
  const markY = points.map((p) => place(p.range[0]));
  const labelY = [];
  labels.forEach((label, n) => {
    const top = Math.max(markY[n] - 9, next);
    label.style.top = `${top}px`;
    labelY.push(top);
    next = top + label.offsetHeight + gap;
  });
  const height = Math.max(y - breakGap + 16, next + 8);
  wrap.style.height = `${height}px`;
  axis.setAttribute("height", String(height));
  segments.forEach((s, k) => {
    const y0 = tops[k] - 6;
    const y1 = tops[k] + heights[k] + 6;
    axis.append(svg("line", { x1: axisX, y1: y0, x2: axisX, y2: y1, class: "axis" }));
    axis.append(svg("text", { x: axisX - 10, y: tops[k] + 4, class: "tick", "text-anchor": "end" }, day(new Date(s[0]).toISOString())));
    if (s[1] - s[0] >= DAY) {
      axis.append(svg("text", { x: axisX - 10, y: tops[k] + heights[k] + 4, class: "tick", "text-anchor": "end" }, day(new Date(s[1]).toISOString())));
    }
    if (k < segments.length - 1) {
      const mid = y1 + (breakGap - 12) / 2;
      axis.append(svg("path", { d: `M${axisX - 7} ${mid} l7 -4 l7 4 M${axisX - 7} ${mid + 6} l7 -4 l7 4`, class: "axis-break" }));
    }
  });
  points.forEach((p, n) => {
    const y0 = markY[n];
    const y1 = Math.max(y0, place(p.range[1]));
    if (y1 - y0 > 3) axis.append(svg("line", { x1: axisX, y1: y0, x2: axisX, y2: y1, class: "range" }));
    const mark = svg("circle", { cx: axisX, cy: y0, r: 5, class: p.t.scheduled ? "mark scheduled" : "mark" });
    mark.append(svg("title", {}, p.t.date));
    axis.append(mark);
    axis.append(svg("path", { d: `M${axisX + 6} ${y0} L${axisX + 14} ${y0} L${axisX + 20} ${labelY[n] + 9}`, class: "leader" }));
  });
}

/* ---- coverage and sources (the server's copy graph, quality and first reports) ------- */

function coverageSection(brief, sources) {
  const cov = brief.coverage;
  if (!cov || !cov.rows.length) return null;
  const ids = cov.article_ids;
  const head = el(
    "tr",
    {},
    el("th", { scope: "col", class: "statement" }, "Key fact"),
    ids.map((id) => el("th", { scope: "col", title: (sources.ref(id) || {}).title || "" }, `[${sources.number.get(id)}]`, el("span", { class: "col-name" }, outlet(sources.ref(id)))))
  );
  const body = cov.rows.map((row) => {
    const fact = brief.facts[row.fact];
    const cells = ids.map((id, n) => {
      if (!row.articles[n]) return el("td", { class: "cell" }, "");
      const origin = row.copied_from ? row.copied_from[n] : null;
      if (origin) {
        return el("td", { class: "cell hit copied", "data-article": id, title: `repeats the wording of ${sources.label(origin)}` }, "●");
      }
      return el("td", { class: "cell hit", "data-article": id, title: `${outlet(sources.ref(id))} reports it in its own words` }, "●");
    });
    return el("tr", {}, el("th", { scope: "row", class: "statement" }, fact ? fact.text : `fact ${row.fact}`), cells);
  });
  const table = el("table", { class: "matrix" }, el("thead", {}, head), el("tbody", {}, body));
  const box = el("div", { class: "matrix-wrap", tabindex: "0" }, table);
  const cue = el("p", { class: "scroll-cue", hidden: true }, "The table scrolls sideways → (the fact column stays in place).");
  new ResizeObserver(() => {
    cue.hidden = box.scrollWidth <= box.clientWidth + 1;
  }).observe(box);
  return section(
    "coverage",
    "Coverage: which source reports which fact",
    el("p", { class: "meta" }, "● in the source's own words; ", el("span", { class: "legend copied" }, "●"), " in wording it repeats from another source."),
    cue,
    box
  );
}

function sourcesSection(brief, sources) {
  const signals = new Map((brief.sources || []).map((s) => [s.article_id, s]));
  const copiedBy = new Map(); // original -> articles repeating its wording
  for (const s of brief.sources || []) {
    for (const c of s.copies || []) {
      if (!copiedBy.has(c.from_article_id)) copiedBy.set(c.from_article_id, []);
      copiedBy.get(c.from_article_id).push(s.article_id);
    }
  }
  const list = el(
    "ol",
    { class: "source-list" },
    brief.articles.map((a) => {
      const signal = signals.get(a.article_id) || { copies: [], first_reports: 0, quality: { score: 1, reasons: [] } };
      const href = a.url ? safeHref(a.url) : null;
      const notes = [];
      for (const c of signal.copies || []) {
        notes.push(el("li", { class: "copy-of", "data-from": c.from_article_id }, `copy: repeats ${c.chars.toLocaleString("en")} characters of ${sources.label(c.from_article_id)}`));
      }
      const copies = copiedBy.get(a.article_id) || [];
      if (copies.length) {
        notes.push(el("li", { class: "original-of" }, `source of wording repeated by ${copies.map((id) => sources.label(id)).join(", ")}`));
      }
      if (signal.first_reports > 0) notes.push(el("li", { class: "first" }, `first to report ${plural(signal.first_reports, "fact")}`));
      const q = signal.quality || { score: 1, reasons: [] };
      if (q.reasons.length || q.score < 0.8) {
        notes.push(
          el(
            "li",
            { class: "quality" },
            `text quality ${q.score.toFixed(2)}`,
            q.reasons.length ? el("ul", { class: "reasons" }, q.reasons.map((r) => el("li", {}, r))) : null
          )
        );
      }
      return el(
        "li",
        { id: `source-${sources.number.get(a.article_id)}`, class: signal.copies && signal.copies.length ? "source copy" : "source", "data-article": a.article_id, value: sources.number.get(a.article_id) },
        el("strong", {}, `[${sources.number.get(a.article_id)}] ${outlet(a)}`),
        a.title ? ` — ${a.title}` : "",
        " ",
        el("span", { class: "meta" }, a.published ? `${day(a.published)}${["inferred", "address", "text"].includes(a.date_origin) ? " (inferred)" : ""}` : "date unknown"),
        href ? [" ", el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, "link")] : null,
        notes.length ? el("ul", { class: "signals" }, notes) : null
      );
    })
  );
  return section("sources", "Sources", list);
}

/* ---- one story ------------------------------------------------------------------------ */

function progressView(id, body) {
  return el(
    "div",
    { id: "building", class: "building", role: "status" },
    el("p", {}, el("a", { href: "#/", class: "back" }, "← All stories")),
    el("h1", {}, "Building the brief…"),
    el("progress", {}),
    el("p", { class: "meta" }, `${body.phase} · ${body.elapsed_s.toFixed(0)} s so far · ${plural(body.articles, "article")}`),
    el("p", { class: "meta" }, "This happens once per story; the page opens the brief when it is ready.")
  );
}

async function fetchBrief(id, token) {
  for (;;) {
    const answer = await api(`/api/stories/${encodeURIComponent(id)}`);
    if (token !== navigation) return null;
    if (answer.status !== 202) return answer.body;
    view.replaceChildren(progressView(id, answer.body));
    const wait = Math.max(0.5, Math.min(5, answer.retry || answer.body.retry_after_s || 1));
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    if (token !== navigation) return null;
  }
}

async function showStory(id, token) {
  hidePopover();
  view.replaceChildren(el("p", { class: "loading" }, "Loading the brief…"));
  const brief = await fetchBrief(id, token);
  if (brief === null) return;
  const sources = new Sources(brief);
  const dates = brief.articles.map((a) => a.published).filter(Boolean).sort();
  const outlets = new Set(brief.articles.map((a) => outlet(a)));
  const meta = [
    `${plural(brief.articles.length, "article")} from ${plural(outlets.size, "outlet")}`,
    span(dates[0], dates[dates.length - 1]),
    plural((brief.discrepancies || []).length, "discrepancy", "discrepancies"),
  ];
  const story = el(
    "article",
    { class: "brief" },
    el("p", {}, el("a", { href: "#/", class: "back" }, "← All stories")),
    el("h1", { id: "headline" }, brief.headline),
    el("p", { class: "meta", id: "story-meta" }, meta.join(" · ")),
    discrepancySection(brief.discrepancies || [], sources),
    summarySection(brief.summary, sources),
    factsSection(brief.facts, sources),
    quotesSection(brief.quotes, sources),
    timelineSection(brief.timeline, sources),
    entitiesSection(brief.entities),
    coverageSection(brief, sources),
    sourcesSection(brief, sources)
  );
  wireCitations(story, sources);
  view.replaceChildren(story);
  document.title = `${brief.headline} — newsweave`;
}

/* ---- routing ------------------------------------------------------------------------- */

async function route() {
  showNotice("");
  navigation += 1;
  const token = navigation;
  const hash = location.hash || "#/";
  try {
    if (hash.startsWith("#/story/")) {
      await showStory(decodeURIComponent(hash.slice("#/story/".length)), token);
    } else {
      const params = new URLSearchParams(hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "");
      const fields = { q: "q", source: "f-source", entity: "f-entity", since: "f-since", until: "f-until" };
      for (const [name, id] of Object.entries(fields)) document.getElementById(id).value = params.get(name) || "";
      document.title = "newsweave";
      await showList(params);
    }
  } catch (err) {
    if (token !== navigation) return;
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

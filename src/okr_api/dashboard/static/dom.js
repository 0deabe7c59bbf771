// Small DOM helpers: element builders, formatting and the band vocabulary.

import { formatDate, formatDateTime, t, te } from "./i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") element.textContent = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An HTML element: h("button", {class: "x", onclick}, "text", child...). */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, same shape as h(). */
export function s(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function $(id) {
  return document.getElementById(id);
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

export function announce(text) {
  const region = $("announcer");
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

export function showMessage(text) {
  const box = $("message");
  box.textContent = text || "";
  box.hidden = !text;
}

export const fmt = {
  score: (x) => (x === null || x === undefined ? "–" : Number(x).toFixed(2)),
  pct: (x) => (x === null || x === undefined ? "–" : `${Math.round(Number(x) * 100)}%`),
  date: formatDate,
  dateTime: formatDateTime,
};

/** A band's name in the page's language. */
export function bandName(band) {
  return te("band", band);
}

/** The aspirational band of a score under the organization's band edges. */
export function bandOf(score, edges) {
  if (score < edges.low) return "LOW";
  if (score < edges.sweetFrom) return "PROGRESS";
  if (score <= edges.sweetTo) return "SWEET_SPOT";
  if (score < edges.tooSafe) return "HIGH";
  return "TOO_SAFE";
}

/** A score bar: a track with a fill coloured by band, the value and the band in words. */
export function scoreBar(score, band, { label } = {}) {
  const fill = h("span", { class: `fill band-${band || "NONE"}` });
  fill.style.width = `${Math.max(0, Math.min(1, score)) * 100}%`;
  return h("span", {
    class: "scorebar",
    role: "img",
    "aria-label": `${label ? `${label}: ` : ""}${t("bar.score", { score: fmt.score(score) })}${band ? `, ${bandName(band)}` : ""}`,
    dataset: { score: String(score), band: band || "", label: label || "" },
  },
  h("span", { class: "track" }, fill),
  h("span", { class: "value" }, fmt.score(score)),
  band ? h("span", { class: `band-name band-text-${band}` }, bandName(band)) : null);
}

/** Move an existing score bar to a new score and band (the fill animates). */
export function updateScoreBar(bar, score, band) {
  bar.dataset.score = String(score);
  bar.dataset.band = band || "";
  const fill = bar.querySelector(".fill");
  fill.className = `fill band-${band || "NONE"}`;
  fill.style.width = `${Math.max(0, Math.min(1, score)) * 100}%`;
  bar.querySelector(".value").textContent = fmt.score(score);
  const name = bar.querySelector(".band-name");
  if (name && band) {
    name.textContent = bandName(band);
    name.className = `band-name band-text-${band}`;
  }
  const label = bar.dataset.label ? `${bar.dataset.label}: ` : "";
  bar.setAttribute("aria-label", `${label}${t("bar.score", { score: fmt.score(score) })}${band ? `, ${bandName(band)}` : ""}`);
}

/** A list shown a page at a time, with a button for the next page. */
export function pagedList(list, items, render, { page = 8, more = "list.more" } = {}) {
  let shown = 0;
  const button = h("button", { type: "button", class: "quiet more" });
  const next = () => {
    const batch = items.slice(shown, shown + page);
    list.append(...batch.map(render));
    shown += batch.length;
    const left = items.length - shown;
    button.textContent = t(more, { count: Math.min(page, left), left });
    button.hidden = left <= 0;
  };
  button.addEventListener("click", () => {
    next();
    list.lastElementChild?.querySelector("button")?.focus();
  });
  next();
  return button;
}


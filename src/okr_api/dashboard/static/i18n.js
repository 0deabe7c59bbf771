// Every visible string goes through t(): one message catalog per language (messages.js).
// The language is the browser's by default, switchable, and remembered in this browser.
// Dates are shown in the organization's time zone (its policy's timeZone), never by
// counting UTC days.

import { MESSAGES } from "./messages.js";

const LANGUAGE_KEY = "okr-dashboard.language";
export const LANGUAGES = { en: "English", ja: "日本語" };
const listeners = new Set();
let current = chooseLanguage();
let zone = "UTC";

function remembered() {
  try {
    return window.localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

function chooseLanguage() {
  const stored = remembered();
  if (stored && MESSAGES[stored]) return stored;
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
    const base = String(tag || "").toLowerCase().split("-")[0];
    if (MESSAGES[base]) return base;
  }
  return "en";
}

export function language() {
  return current;
}

/** Switch the language, remember it, and redraw what is drawn (listeners). */
export function setLanguage(code) {
  if (!MESSAGES[code]) return;
  current = code;
  try {
    window.localStorage.setItem(LANGUAGE_KEY, code);
  } catch {
    // a browser that keeps nothing still switches for this page
  }
  translatePage();
  for (const listener of listeners) listener(code);
}

export function onLanguageChange(listener) {
  listeners.add(listener);
}

/** The message for key, its {placeholders} filled from params (or a function of them). */
export function t(key, params = {}) {
  const message = MESSAGES[current][key] ?? MESSAGES.en[key];
  if (message === undefined) return key;
  if (typeof message === "function") return message(params);
  return message.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** An enum value in words: t("kind.COMMITTED"), falling back to the value itself. */
export function te(group, value) {
  if (value === null || value === undefined) return "–";
  const key = `${group}.${value}`;
  const found = MESSAGES[current][key] ?? MESSAGES.en[key];
  return found === undefined ? String(value) : t(key);
}

/** Translate the page's static text: data-i18n (text), data-i18n-label (aria-label). */
export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
  document.title = t("app.title");
}

// --- Time zone -------------------------------------------------------------------------

export function setTimeZone(name) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    zone = name;
  } catch {
    zone = "UTC";
  }
}

export function timeZone() {
  return zone;
}

function locale() {
  if (current === "ja") return "ja-JP";
  const browser = navigator.language || "en";
  return browser.toLowerCase().startsWith("en") ? browser : "en";
}

const isDay = (iso) => /^\d{4}-\d{2}-\d{2}$/.test(iso);

/** A calendar day ("2026-11-15") or the day of a moment in the organization's zone. */
export function formatDate(iso) {
  if (!iso) return "–";
  const options = { year: "numeric", month: "short", day: "numeric" };
  if (isDay(iso)) return new Date(`${iso}T00:00:00Z`).toLocaleDateString(locale(), { ...options, timeZone: "UTC" });
  return new Date(iso).toLocaleDateString(locale(), { ...options, timeZone: zone });
}

/** A moment, day and time, in the organization's zone. */
export function formatDateTime(iso) {
  if (!iso) return "–";
  return new Date(iso).toLocaleString(locale(), {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone,
  });
}

/** The calendar day ("YYYY-MM-DD") a moment falls on in the organization's zone. */
export function zoneDay(moment) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(new Date(moment)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** Minutes the zone is ahead of UTC at a moment. */
function offsetMinutes(time) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(time)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day),
    Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(time / 1000) * 1000) / 60000);
}

/** The last second of a calendar day in the organization's zone, as an ISO date-time. */
export function endOfDay(day) {
  const wall = Date.parse(`${day}T23:59:59Z`);
  let offset = offsetMinutes(wall);
  offset = offsetMinutes(wall - offset * 60000);
  if (!offset) return `${day}T23:59:59Z`;
  const sign = offset > 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const pad = (n) => String(n).padStart(2, "0");
  return `${day}T23:59:59${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

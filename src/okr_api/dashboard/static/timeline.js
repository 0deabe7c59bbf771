// The time slider: a day of the cycle, "as of" which the tree and the stretch picture are
// drawn (the day's end in the organization's time zone). Disabled, with a note, on a
// server whose API takes no asOf.

import { $, fmt } from "./dom.js";
import { endOfDay, t, zoneDay } from "./i18n.js";

const DAY_MS = 86400000;
const SETTLE_MS = 250;

const dayOf = (iso) => Date.parse(`${iso}T00:00:00Z`);
const isoDay = (time) => new Date(time).toISOString().slice(0, 10);

export class TimeSlider {
  /** onChange(asOf): an ISO date-time at the end of the chosen day, or null for now. */
  constructor({ onChange }) {
    this.onChange = onChange;
    this.input = $("as-of");
    this.label = $("as-of-label");
    this.now = $("as-of-now");
    this.note = $("as-of-note");
    this.start = 0;
    this.timer = null;
    this.input.addEventListener("input", () => {
      this.show();
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.onChange(this.asOf()), SETTLE_MS);
    });
    this.now.addEventListener("click", () => {
      if (this.atNow()) return;
      this.reset();
      this.onChange(null);
    });
  }

  /** probe: {offered, usable, why} from the server (see app.js). */
  setup(cycle, probe) {
    this.start = dayOf(cycle.startsOn);
    const today = dayOf(zoneDay(Date.now()));
    const last = cycle.status === "CLOSED" ? dayOf(cycle.endsOn) : Math.min(dayOf(cycle.endsOn), today);
    const days = Math.max(0, Math.round((last - this.start) / DAY_MS));
    this.input.max = String(days);
    this.input.value = String(days);
    const usable = probe.usable && days > 0;
    this.input.disabled = !usable;
    this.now.disabled = !usable;
    this.cycle = cycle;
    this.probe = probe;
    this.days = days;
    this.last = last;
    this.describe();
    this.note.dataset.supported = String(probe.offered);
    this.note.dataset.usable = String(usable);
    this.show();
  }

  describe() {
    const { probe, days, cycle, last } = this;
    if (!probe) return;
    if (probe.checking) {
      this.note.textContent = t("time.checking");
    } else if (!probe.offered) {
      this.note.textContent = t("time.notOffered");
    } else if (!probe.usable) {
      this.note.textContent = t("time.notForYou", { why: probe.why });
    } else if (!days) {
      this.note.textContent = t("time.notStarted");
    } else {
      this.note.textContent = t("time.range", { from: fmt.date(cycle.startsOn), to: fmt.date(isoDay(last)) });
    }
  }

  atNow() {
    return this.input.value === this.input.max;
  }

  reset() {
    window.clearTimeout(this.timer);
    this.input.value = this.input.max;
    this.show();
  }

  asOf() {
    if (this.atNow()) return null;
    return endOfDay(isoDay(this.start + Number(this.input.value) * DAY_MS));
  }

  show() {
    const asOf = this.asOf();
    const text = asOf ? fmt.date(asOf.slice(0, 10)) : t("time.now");
    this.label.textContent = text;
    this.input.setAttribute("aria-valuetext", text);
  }
}

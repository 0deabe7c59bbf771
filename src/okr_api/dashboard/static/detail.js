// An objective in a dialog: its key results with their check-in history as small
// charts, its supporters and its event history (the objective's events from the start,
// streamed over the okrEvents subscription, new ones appended as they happen).

import { gql, session } from "./api.js";
import { checkInChart } from "./charts.js";
import { $, clear, fmt, h, scoreBar } from "./dom.js";
import { OBJECTIVE, OBJECTIVE_EVENTS } from "./queries.js";
import { GraphqlSocket } from "./socket.js";

const QUIET_HISTORY_MS = 4000;

export class ObjectiveDetail {
  constructor({ names }) {
    this.names = names;
    this.dialog = $("detail");
    this.socket = null;
    this.opener = null;
    this.current = null;
    $("detail-close").addEventListener("click", () => this.dialog.close());
    this.dialog.addEventListener("close", () => this.closed());
  }

  async open(id, { cycle, asOf, band }) {
    this.stopHistory();
    this.opener = document.activeElement;
    this.openerId = this.opener?.closest?.("[data-id]")?.dataset.id || null;
    this.current = id;
    $("detail-title").textContent = "Loading…";
    clear($("detail-body")).append(h("p", { class: "help" }, "Loading the objective…"));
    if (!this.dialog.open) this.dialog.showModal();
    let data;
    try {
      data = await gql(OBJECTIVE, { id });
    } catch (error) {
      clear($("detail-body")).append(h("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    if (this.current !== id) return;
    const objective = data.node;
    if (!objective) {
      $("detail-title").textContent = "Not found";
      clear($("detail-body")).append(h("p", {}, "This objective is not visible to you."));
      return;
    }
    $("detail-title").textContent = objective.title;
    const history = h("ol", { class: "history plain", id: "detail-history", "aria-live": "polite" });
    const historyNote = h("p", { class: "help", id: "detail-history-note" }, "Loading the event history…");
    clear($("detail-body")).append(
      this.summary(objective, asOf, band),
      h("section", { "aria-labelledby": "detail-krs" },
        h("h3", { id: "detail-krs" }, `Key results: ${objective.keyResults.length}`),
        objective.keyResults.length
          ? h("ul", { class: "plain key-results" },
            objective.keyResults.map((kr) => this.keyResult(kr, cycle, asOf)))
          : h("p", { class: "help" }, "No key results yet.")),
      h("section", { "aria-labelledby": "detail-supporters" },
        h("h3", { id: "detail-supporters" }, `Supporters: ${objective.supporters.length}`),
        objective.supporters.length
          ? h("ul", { class: "plain supporters" }, objective.supporters.map((p) => h("li", {},
            p.name, p.team ? h("span", { class: "owner" }, ` · ${p.team.name}`) : null)))
          : h("p", { class: "help" }, "Nobody has committed to support it yet.")),
      h("section", { "aria-labelledby": "detail-history-title" },
        h("h3", { id: "detail-history-title" }, "Event history"), historyNote, history));
    this.streamHistory(id, history, historyNote);
  }

  summary(objective, asOf, band) {
    const owner = objective.ownerPerson?.name || objective.ownerTeam?.name || "–";
    const grade = objective.grade;
    const facts = [
      ["Level", fmt.words(objective.level)], ["Kind", fmt.words(objective.kind)],
      ["Owner", owner], ["Status", fmt.words(objective.status)],
      ["Visibility", fmt.words(objective.visibility)],
      ["Aligned to", objective.parent ? objective.parent.title : "–"],
    ];
    if (grade.finalScore !== null) facts.push(["Final grade", fmt.score(grade.finalScore)]);
    if (grade.override !== null) facts.push(["Override", `${fmt.score(grade.override)} (${grade.reason || "no reason"})`]);
    return h("div", { class: "summary-block" },
      scoreBar(objective.score, grade.band || band, { label: objective.title }),
      objective.description ? h("p", {}, objective.description) : null,
      asOf ? h("p", { class: "help" }, `Showing today's objective; the charts mark ${fmt.date(asOf)}.`) : null,
      h("dl", { class: "facts" }, facts.map(([term, value]) => h("div", { class: "fact" },
        h("dt", {}, term), h("dd", {}, value)))));
  }

  keyResult(kr, cycle, asOf) {
    const unit = kr.unit ? ` ${kr.unit}` : "";
    return h("li", { class: "key-result", dataset: { id: kr.id } },
      h("div", { class: "kr-text" },
        h("span", { class: "kr-title" }, kr.title),
        h("span", { class: "owner" }, `${Number(kr.current)}${unit} of ${Number(kr.target)}${unit}`
          + ` · ${kr.checkInCount} check-in${kr.checkInCount === 1 ? "" : "s"}`
          + (kr.weight !== 1 ? ` · weight ${kr.weight}` : "")),
        scoreBar(kr.score, null, { label: kr.title })),
      checkInChart(kr, { startsOn: cycle.startsOn, endsOn: cycle.endsOn, asOf }));
  }

  streamHistory(id, list, note) {
    const socket = new GraphqlSocket(session.token);
    this.socket = socket;
    let quiet = null;
    const settle = () => {
      window.clearTimeout(quiet);
      quiet = window.setTimeout(() => {
        if (!list.children.length) note.textContent = "No events visible to you.";
      }, QUIET_HISTORY_MS);
    };
    const unavailable = (why) => {
      if (this.socket !== socket) return;
      note.textContent = `The event history is not available here (${why}).`;
    };
    socket.connect().then(() => {
      if (this.socket !== socket) return;
      settle();
      socket.subscribe(OBJECTIVE_EVENTS, { filter: { objectiveId: id } }, {
        next: (payload) => {
          const event = payload?.data?.okrEvents;
          if (!event) return;
          note.textContent = "Oldest first; new events appear as they happen.";
          list.append(this.event(event));
          settle();
        },
        error: (errors) => unavailable(errors?.[0]?.message || "refused"),
      });
    }, (error) => unavailable(error.message));
  }

  event(event) {
    const parts = [h("time", { datetime: event.occurredAt }, fmt.dateTime(event.occurredAt)), " ",
      h("strong", {}, fmt.words(event.type))];
    if (event.keyResultTitle) parts.push(` · ${event.keyResultTitle}`);
    if (event.value !== null && event.value !== undefined) {
      const before = event.previousValue === null || event.previousValue === undefined
        ? "" : `${Number(event.previousValue)} → `;
      parts.push(` · ${before}${Number(event.value)}`);
    }
    if (event.appliesAt && event.appliesAt.slice(0, 10) !== event.occurredAt.slice(0, 10)) {
      parts.push(` (for ${fmt.date(event.appliesAt)})`);
    }
    if (event.objectiveScoreAfter !== null && event.objectiveScoreAfter !== undefined) {
      parts.push(` · score ${fmt.score(event.objectiveScoreAfter)}`);
    }
    if (event.reason) parts.push(` · ${event.reason}`);
    if (event.note) parts.push(h("span", { class: "note" }, ` “${event.note}”`));
    const actor = event.actorId ? this.names.get(event.actorId) : null;
    if (actor) parts.push(h("span", { class: "owner" }, ` by ${actor}`));
    return h("li", { dataset: { position: String(event.position), type: event.type } }, parts);
  }

  stopHistory() {
    if (this.socket) this.socket.close();
    this.socket = null;
  }

  closed() {
    this.stopHistory();
    this.current = null;
    let back = this.opener && document.contains(this.opener) ? this.opener : null;
    if (!back && this.openerId) {
      back = document.querySelector(`[data-id="${CSS.escape(this.openerId)}"] [data-role="open"]`);
    }
    back?.focus();
  }
}

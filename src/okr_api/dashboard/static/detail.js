// An objective in a dialog: its key results with their check-in history as small
// charts, its supporters and its event history (the objective's events from the start,
// streamed over the okrEvents subscription, new ones appended as they happen).

import { checkInForm, proposalForm, supportButton } from "./actions.js";
import { gql, session, settle } from "./api.js";
import { checkInChart } from "./charts.js";
import { $, clear, fmt, h, scoreBar } from "./dom.js";
import { t, te, zoneDay } from "./i18n.js";
import { OBJECTIVE, OBJECTIVE_EVENTS } from "./queries.js";
import { GraphqlSocket } from "./socket.js";

const QUIET_HISTORY_MS = 4000;

export class ObjectiveDetail {
  /** context(): {me, withSide}; onChanged(position): something was written. */
  constructor({ names, context, onChanged }) {
    this.names = names;
    this.context = context;
    this.onChanged = onChanged;
    this.dialog = $("detail");
    this.socket = null;
    this.opener = null;
    this.current = null;
    $("detail-close").addEventListener("click", () => this.dialog.close());
    this.dialog.addEventListener("close", () => this.closed());
  }

  async open(id, { cycle, asOf, band }) {
    this.stopHistory();
    if (!this.dialog.open) {
      // Drawn again after a change made in it: focus still returns to what opened it.
      this.opener = document.activeElement;
      this.openerId = this.opener?.closest?.("[data-id]")?.dataset.id || null;
    }
    this.current = id;
    this.args = { cycle, asOf, band };
    $("detail-title").textContent = t("common.loading");
    clear($("detail-body")).append(h("p", { class: "help" }, t("detail.loading")));
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
      $("detail-title").textContent = t("detail.notFound");
      clear($("detail-body")).append(h("p", {}, t("detail.notVisible")));
      return;
    }
    $("detail-title").textContent = objective.title;
    const history = h("ol", { class: "history plain", id: "detail-history", "aria-live": "polite" });
    const historyNote = h("p", { class: "help", id: "detail-history-note" }, t("detail.historyLoading"));
    const { me, withSide } = this.context();
    const present = !asOf && objective.status !== "CLOSED" && objective.status !== "ARCHIVED";
    const changed = (position) => this.changed(id, position);
    clear($("detail-body")).append(
      this.summary(objective, asOf, band),
      h("section", { "aria-labelledby": "detail-krs" },
        h("h3", { id: "detail-krs" }, t("detail.keyResults", { count: objective.keyResults.length })),
        objective.keyResults.length
          ? h("ul", { class: "plain key-results" },
            objective.keyResults.map((kr) => this.keyResult(kr, cycle, asOf, present && me ? changed : null)))
          : h("p", { class: "help" }, t("detail.noKeyResults"))),
      h("section", { "aria-labelledby": "detail-supporters" },
        h("h3", { id: "detail-supporters" }, t("detail.supporters", { count: objective.supporters.length })),
        objective.supporters.length
          ? h("ul", { class: "plain supporters" }, objective.supporters.map((p) => h("li", {},
            p.name, p.team ? h("span", { class: "owner" }, ` · ${p.team.name}`) : null)))
          : h("p", { class: "help" }, t("detail.noSupporters")),
        present && me ? supportButton(objective, me, { onDone: changed }) : null),
      present && me ? h("section", { "aria-labelledby": "detail-align" },
        h("h3", { id: "detail-align" }, t("detail.alignment")),
        proposalForm(objective, { mine: this.owns(objective, me), withSide, onDone: changed })) : null,
      h("section", { "aria-labelledby": "detail-history-title" },
        h("h3", { id: "detail-history-title" }, t("detail.history")), historyNote, history));
    this.streamHistory(id, history, historyNote);
  }

  /** Does the viewer own the objective (as its person, or as its team's lead)? */
  owns(objective, me) {
    return objective.ownerPerson?.id === me.id || objective.ownerTeam?.lead?.id === me.id;
  }

  /** Something was written from the dialog: draw the objective again, tell the page. */
  async changed(id, position) {
    this.onChanged(position);
    await settle(position);
    if (this.current === id) this.open(id, this.args);
  }

  summary(objective, asOf, band) {
    const owner = objective.ownerPerson?.name || objective.ownerTeam?.name || "–";
    const grade = objective.grade;
    const facts = [
      [t("detail.level"), te("level", objective.level)], [t("detail.kind"), te("kind", objective.kind)],
      [t("detail.owner"), owner], [t("detail.status"), te("status", objective.status)],
      [t("detail.visibility"), te("visibility", objective.visibility)],
      [t("detail.alignedTo"), objective.parent ? objective.parent.title : "–"],
    ];
    if (grade.finalScore !== null) facts.push([t("detail.finalGrade"), fmt.score(grade.finalScore)]);
    if (grade.override !== null) facts.push([t("detail.override"), `${fmt.score(grade.override)} (${grade.reason || t("detail.noReason")})`]);
    return h("div", { class: "summary-block" },
      scoreBar(objective.score, grade.band || band, { label: objective.title }),
      objective.description ? h("p", {}, objective.description) : null,
      asOf ? h("p", { class: "help" }, t("detail.asOfNote", { day: fmt.date(asOf) })) : null,
      h("dl", { class: "facts" }, facts.map(([term, value]) => h("div", { class: "fact" },
        h("dt", {}, term), h("dd", {}, value)))));
  }

  keyResult(kr, cycle, asOf, onCheckedIn) {
    const unit = kr.unit ? ` ${kr.unit}` : "";
    return h("li", { class: "key-result", dataset: { id: kr.id } },
      h("div", { class: "kr-text" },
        h("span", { class: "kr-title" }, kr.title),
        h("span", { class: "owner" }, t("detail.krProgress", { current: `${Number(kr.current)}${unit}`,
          target: `${Number(kr.target)}${unit}`, count: kr.checkInCount })
          + (kr.weight !== 1 ? t("detail.weight", { weight: kr.weight }) : "")),
        scoreBar(kr.score, null, { label: kr.title }),
        onCheckedIn ? checkInForm(kr, { onDone: onCheckedIn }) : null),
      checkInChart(kr, { startsOn: cycle.startsOn, endsOn: cycle.endsOn, asOf }));
  }

  streamHistory(id, list, note) {
    const socket = new GraphqlSocket(session.token);
    this.socket = socket;
    let quiet = null;
    const quietLater = () => {
      window.clearTimeout(quiet);
      quiet = window.setTimeout(() => {
        if (!list.children.length) note.textContent = t("detail.noEvents");
      }, QUIET_HISTORY_MS);
    };
    const unavailable = (why) => {
      if (this.socket !== socket) return;
      note.textContent = t("detail.historyUnavailable", { why });
    };
    socket.connect().then(() => {
      if (this.socket !== socket) return;
      quietLater();
      socket.subscribe(OBJECTIVE_EVENTS, { filter: { objectiveId: id } }, {
        next: (payload) => {
          const event = payload?.data?.okrEvents;
          if (!event) return;
          note.textContent = t("detail.historyNote");
          list.append(this.event(event));
          quietLater();
        },
        error: (errors) => unavailable(errors?.[0]?.message || t("common.refused")),
      });
    }, (error) => unavailable(error.message));
  }

  event(event) {
    const parts = [h("time", { datetime: event.occurredAt }, fmt.dateTime(event.occurredAt)), " ",
      h("strong", {}, te("event", event.type))];
    if (event.keyResultTitle) parts.push(` · ${event.keyResultTitle}`);
    if (event.value !== null && event.value !== undefined) {
      const before = event.previousValue === null || event.previousValue === undefined
        ? "" : `${Number(event.previousValue)} → `;
      parts.push(` · ${before}${Number(event.value)}`);
    }
    if (event.appliesAt && zoneDay(event.appliesAt) !== zoneDay(event.occurredAt)) {
      parts.push(t("detail.appliesFor", { day: fmt.date(event.appliesAt) }));
    }
    if (event.objectiveScoreAfter !== null && event.objectiveScoreAfter !== undefined) {
      parts.push(t("detail.scoreAfter", { score: fmt.score(event.objectiveScoreAfter) }));
    }
    if (event.reason) parts.push(` · ${event.reason}`);
    if (event.note) parts.push(h("span", { class: "note" }, ` “${event.note}”`));
    const actor = event.actorId ? this.names.get(event.actorId) : null;
    if (actor) parts.push(h("span", { class: "owner" }, t("detail.by", { name: actor })));
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

// The practice side of the dashboard: the alignment proposals awaiting my answer and
// those I asked (accept, decline with a reason, withdraw), the check-ins due, and the 1:1
// view of a manager and a report. Each part shows only when the server offers it.

import { gql, mutate, probe, settle } from "./api.js";
import { confidenceChart } from "./charts.js";
import { $, announce, clear, fmt, h, pagedList, scoreBar } from "./dom.js";
import { t, te } from "./i18n.js";
import {
  CHECK_INS_DUE, INBOX, ONE_ON_ONE, REPORTS, RESPOND, WITHDRAW_PROPOSAL,
} from "./queries.js";

const PAGE = 6;

export class Practice {
  /** onOpen(objectiveId); onChanged(position): something was written here. */
  constructor({ onOpen, onChanged }) {
    this.onOpen = onOpen;
    this.onChanged = onChanged;
    this.cycleKey = null;
    this.me = null;
    this.reports = [];
    this.last = {};
    this.offers = { inbox: false, due: false, oneOnOne: false };
    $("practice-refresh").addEventListener("click", () => this.load());
    $("one-on-one-person").addEventListener("change", () => this.loadOneOnOne());
  }

  /** Find out what the server offers (once per sign-in) and draw it for the cycle. */
  async start(me, cycleKey) {
    this.me = me;
    this.cycleKey = cycleKey;
    $("practice").dataset.loading = "true";
    const [inbox, due, reports] = await Promise.all([
      probe(INBOX, { cycle: cycleKey }), probe(CHECK_INS_DUE), probe(REPORTS)]);
    this.offers = { inbox: inbox.offered, due: due.offered, oneOnOne: reports.offered && Boolean(me) };
    this.reports = reports.data?.viewer?.reports || [];
    this.fillPeople();
    $("practice").hidden = !(this.offers.inbox || this.offers.due || this.offers.oneOnOne);
    $("inbox").hidden = !this.offers.inbox;
    $("due").hidden = !this.offers.due;
    $("one-on-one").hidden = !this.offers.oneOnOne;
    if (inbox.data && !inbox.error) this.drawInbox(inbox.data);
    if (due.data && !due.error) this.drawDue(due.data.viewer.checkInsDue);
    try {
      if (this.offers.oneOnOne) await this.loadOneOnOne();
    } catch (error) {
      $("practice-status").textContent = t("action.failed", { reason: error.message });
    } finally {
      delete $("practice").dataset.loading;
    }
  }

  async setCycle(cycleKey) {
    this.cycleKey = cycleKey;
    await this.load();
  }

  /** Draw every offered part again (after a change, here or elsewhere). */
  async load() {
    $("practice").dataset.loading = "true";
    const work = [];
    if (this.offers.inbox) work.push(gql(INBOX, { cycle: this.cycleKey }).then((d) => this.drawInbox(d)));
    if (this.offers.due) work.push(gql(CHECK_INS_DUE).then((d) => this.drawDue(d.viewer.checkInsDue)));
    if (this.offers.oneOnOne) work.push(this.loadOneOnOne());
    const done = await Promise.allSettled(work);
    const failed = done.find((result) => result.status === "rejected");
    $("practice-status").textContent = failed ? t("action.failed", { reason: failed.reason.message }) : "";
    delete $("practice").dataset.loading;
  }

  redraw() {
    if (this.last.inbox) this.drawInbox(this.last.inbox);
    if (this.last.due) this.drawDue(this.last.due);
    this.fillPeople();
    if (this.last.oneOnOne !== undefined) this.drawOneOnOne(this.last.oneOnOne);
  }

  remember(part, value) {
    this.last = { ...this.last, [part]: value };
  }

  // --- Proposals ------------------------------------------------------------------------

  drawInbox(data) {
    this.remember("inbox", data);
    const awaiting = data.awaiting.filter((p) => p.status === "PENDING");
    this.list($("inbox-awaiting"), awaiting, t("inbox.noneAwaiting"));
    $("inbox-awaiting-title").textContent = t("inbox.awaiting", { count: awaiting.length });
    const mine = [...data.mine].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    this.list($("inbox-mine"), mine, t("inbox.noneMine"));
    $("inbox-mine-title").textContent = t("inbox.mine", { count: mine.filter((p) => p.status === "PENDING").length });
  }

  list(target, proposals, empty) {
    const list = clear(target);
    if (list.nextElementSibling?.classList.contains("more")) list.nextElementSibling.remove();
    if (!proposals.length) {
      list.append(h("li", { class: "empty" }, empty));
      return;
    }
    list.after(pagedList(list, proposals, (p) => this.proposal(p), { page: PAGE }));
  }

  objectiveLink(objective) {
    if (!objective) return h("span", {}, t("inbox.hiddenObjective"));
    const owner = objective.ownerPerson?.name || objective.ownerTeam?.name;
    return h("span", {}, h("button", { type: "button", class: "link", onclick: () => this.onOpen(objective.id) },
      objective.title), owner ? h("span", { class: "owner" }, ` (${owner})`) : null);
  }

  proposal(p) {
    const facts = [
      p.requestedBy ? t("inbox.askedBy", { name: p.requestedBy.name }) : null,
      fmt.date(p.createdAt),
      te("proposalStatus", p.status),
      p.status === "PENDING" ? t(p.awaitingSide === "CHILD" ? "inbox.awaitsChild" : "inbox.awaitsParent") : null,
    ].filter(Boolean);
    const actions = h("div", { class: "form-buttons" });
    const problem = h("p", { class: "error", role: "alert", hidden: true });
    const item = h("li", { class: "proposal", dataset: { id: p.id, status: p.status } },
      h("div", { class: "proposal-what" }, this.objectiveLink(p.child), h("span", { class: "arrow" }, t("inbox.under")),
        this.objectiveLink(p.parent)),
      h("div", { class: "owner" }, facts.join(" · ")),
      p.message ? h("p", { class: "note proposal-message" }, `“${p.message}”`) : null,
      p.responseReason ? h("p", { class: "proposal-reason" }, t("inbox.reason", { reason: p.responseReason })) : null,
      problem, actions);
    const act = async (query, input, done) => {
      problem.hidden = true;
      for (const button of actions.querySelectorAll("button")) button.disabled = true;
      try {
        const payload = await mutate(query, { input });
        announce(done);
        await settle(payload.position);
        this.onChanged(payload.position);
      } catch (error) {
        problem.textContent = t("action.failed", { reason: error.message });
        problem.hidden = false;
        for (const button of actions.querySelectorAll("button")) button.disabled = false;
      }
    };
    if (p.status === "PENDING" && p.awaitingMe) {
      const reason = h("textarea", { rows: 2, class: "decline-reason", id: `decline-${p.id}` });
      const declineForm = h("form", { class: "decline-form", hidden: true, novalidate: true },
        h("label", { for: reason.id }, t("inbox.declineReason")), reason,
        h("div", { class: "form-buttons" }, h("button", { type: "submit" }, t("inbox.sendDecline")),
          h("button", { type: "button", class: "quiet", onclick: () => { declineForm.hidden = true; } }, t("common.cancel"))));
      declineForm.addEventListener("submit", (event) => {
        event.preventDefault();
        if (!reason.value.trim()) {
          problem.textContent = t("inbox.needReason");
          problem.hidden = false;
          reason.focus();
          return;
        }
        act(RESPOND, { proposalId: p.id, accept: false, reason: reason.value.trim() }, t("inbox.declined"));
      });
      actions.append(
        h("button", { type: "button", class: "accept", onclick: () => act(RESPOND, { proposalId: p.id, accept: true }, t("inbox.accepted")) }, t("inbox.accept")),
        h("button", { type: "button", class: "quiet decline", onclick: () => { declineForm.hidden = false; reason.focus(); } }, t("inbox.decline")));
      item.append(declineForm);
    }
    if (p.status === "PENDING") {
      actions.append(h("button", { type: "button", class: "quiet withdraw",
        onclick: () => act(WITHDRAW_PROPOSAL, { proposalId: p.id }, t("inbox.withdrawn")) }, t("inbox.withdraw")));
    }
    return item;
  }

  // --- Check-ins due --------------------------------------------------------------------

  drawDue(due) {
    this.remember("due", due);
    const list = clear($("due-list"));
    if (list.nextElementSibling?.classList.contains("more")) list.nextElementSibling.remove();
    $("due-title").textContent = t("due.title", { count: due.length });
    if (!due.length) {
      list.append(h("li", { class: "empty" }, t("due.none")));
      return;
    }
    const sorted = [...due].sort((a, b) => a.dueSince.localeCompare(b.dueSince));
    list.after(pagedList(list, sorted, (d) => h("li", { class: "due", dataset: { id: d.keyResult.id } },
      h("button", { type: "button", class: "link", onclick: () => this.onOpen(d.objective.id) }, d.objective.title),
      h("div", { class: "owner" }, t("due.item", { title: d.keyResult.title, day: fmt.date(d.dueSince) }))),
    { page: PAGE }));
  }

  // --- 1:1 ------------------------------------------------------------------------------

  fillPeople() {
    const select = $("one-on-one-person");
    const chosen = select.value;
    const options = this.reports.map((person) => h("option", { value: person.id }, person.name));
    if (this.me?.manager) {
      options.push(h("option", { value: this.me.id }, t("oneOnOne.withManager", { name: this.me.manager.name })));
    }
    clear(select).append(...options);
    if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
    $("one-on-one-choice").hidden = !options.length;
  }

  async loadOneOnOne() {
    // A refresh and a choice may both be loading: only the latest request draws, so a
    // slow answer for the person chosen before never replaces the one chosen now.
    const request = (this.oneOnOneRequest = (this.oneOnOneRequest || 0) + 1);
    const reportId = $("one-on-one-person").value;
    if (!reportId) {
      this.drawOneOnOne(null);
      return;
    }
    const data = await gql(ONE_ON_ONE, { reportId, cycle: this.cycleKey });
    if (request === this.oneOnOneRequest) this.drawOneOnOne(data.oneOnOne);
  }

  drawOneOnOne(view) {
    this.remember("oneOnOne", view);
    const body = clear($("one-on-one-body"));
    if (!view) {
      body.append(h("p", { class: "help" }, t(this.reports.length || this.me?.manager ? "oneOnOne.unavailable" : "oneOnOne.nobody")));
      return;
    }
    const checkIns = view.checkInsSinceLastOneOnOne;
    body.append(
      h("p", { class: "one-on-one-who" }, t("oneOnOne.between", { manager: view.manager.name, report: view.report.name })),
      h("p", { class: "help" }, view.lastOneOnOneAt ? t("oneOnOne.last", { day: fmt.date(view.lastOneOnOneAt) }) : t("oneOnOne.never")),
      h("h4", {}, t("oneOnOne.objectives", { count: view.objectives.length })),
      view.objectives.length ? h("ul", { class: "plain objectives" }, view.objectives.map((o) => h("li", { dataset: { id: o.id } },
        h("div", { class: "item-text" }, h("button", { type: "button", class: "link", onclick: () => this.onOpen(o.id) }, o.title),
          h("div", { class: "owner" }, `${te("kind", o.kind)} · ${te("status", o.status)}`)),
        scoreBar(o.score, o.grade?.band, { label: o.title }))))
        : h("p", { class: "help" }, t("oneOnOne.noObjectives")),
      h("h4", {}, t("oneOnOne.checkIns", { count: checkIns.length })),
      checkIns.length ? h("ul", { class: "plain check-ins" }, checkIns.map((c) => h("li", { dataset: { id: c.id } },
        h("time", { datetime: c.appliesAt }, fmt.date(c.appliesAt)), " ",
        h("strong", {}, c.keyResult?.title || "–"), ` · ${Number(c.value)}${c.keyResult?.unit ? ` ${c.keyResult.unit}` : ""}`,
        c.confidence === null ? "" : t("chart.confidence", { confidence: c.confidence }),
        c.note ? h("span", { class: "note" }, ` “${c.note}”`) : null,
        c.inOneOnOne ? h("span", { class: "badge" }, t("oneOnOne.inOneOnOne")) : null)))
        : h("p", { class: "help" }, t("oneOnOne.noCheckIns")),
      h("h4", {}, t("oneOnOne.trend")),
      confidenceChart(view.confidenceTrend),
      h("h4", {}, t("oneOnOne.proposals", { count: view.openProposals.length })),
      view.openProposals.length ? h("ul", { class: "plain proposals" }, view.openProposals.map((p) => this.proposal(p)))
        : h("p", { class: "help" }, t("oneOnOne.noProposals")));
  }
}

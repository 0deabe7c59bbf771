// What a person does with an objective in its dialog: check in on a key result (value,
// confidence, note, made in a 1:1), support it or withdraw support, and propose an
// alignment from either side ("could you?" from the child's side, "shall we?" from the
// parent's). Each form says what the service answered, in words.

import { gql, mutate } from "./api.js";
import { announce, h } from "./dom.js";
import { t, te } from "./i18n.js";
import { CANDIDATES, PROPOSE, RECORD_CHECK_IN, SUPPORT, WITHDRAW_SUPPORT } from "./queries.js";

const SEARCH_SETTLE_MS = 250;
let formIds = 0;

/** A labelled control: label and input tied by id. */
function field(labelText, control, extra = null) {
  formIds += 1;
  control.id = control.id || `field-${formIds}`;
  return h("div", { class: "field" }, h("label", { for: control.id }, labelText), control, extra);
}

function problemLine() {
  return h("p", { class: "error form-error", role: "alert", hidden: true });
}

function showProblem(line, error) {
  line.textContent = t("action.failed", { reason: error.message });
  line.hidden = false;
}

/** The check-in form of one key result; onDone(position) after it is recorded. */
export function checkInForm(kr, { onDone }) {
  const value = h("input", { type: "number", step: "any", required: true, value: Number(kr.current), class: "check-in-value" });
  const confidence = h("input", { type: "number", min: 0, max: 10, step: 1, value: 7, class: "check-in-confidence" });
  const note = h("textarea", { rows: 2, class: "check-in-note" });
  const inOneOnOne = h("input", { type: "checkbox", class: "check-in-one-on-one" });
  formIds += 1;
  inOneOnOne.id = `field-${formIds}`;
  const problem = problemLine();
  const submit = h("button", { type: "submit" }, t("checkIn.submit"));
  const form = h("form", { class: "check-in-form", novalidate: true, hidden: true },
    field(t("checkIn.value", { unit: kr.unit ? ` (${kr.unit})` : "" }), value),
    field(t("checkIn.confidence"), confidence),
    field(t("checkIn.note"), note),
    h("div", { class: "field inline" }, inOneOnOne, h("label", { for: inOneOnOne.id }, t("checkIn.oneOnOne"))),
    problem,
    h("div", { class: "form-buttons" }, submit,
      h("button", { type: "button", class: "quiet", onclick: () => { form.hidden = true; opener.focus(); } },
        t("common.cancel"))));
  const opener = h("button", { type: "button", class: "quiet check-in-open", "aria-label": t("checkIn.openFor", { title: kr.title }),
    onclick: () => { form.hidden = false; value.focus(); } }, t("checkIn.open"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    if (value.value.trim() === "" || Number.isNaN(Number(value.value))) {
      showProblem(problem, new Error(t("checkIn.needValue")));
      value.focus();
      return;
    }
    const input = { keyResultId: kr.id, value: value.value.trim(), note: note.value.trim(), inOneOnOne: inOneOnOne.checked };
    if (confidence.value !== "") input.confidence = Number(confidence.value);
    submit.disabled = true;
    try {
      const payload = await mutate(RECORD_CHECK_IN, { input });
      announce(t("checkIn.done"));
      onDone(payload.position);
    } catch (error) {
      showProblem(problem, error);
    } finally {
      submit.disabled = false;
    }
  });
  return h("div", { class: "check-in" }, opener, form);
}

/** Support the objective, or withdraw one's support. */
export function supportButton(objective, me, { onDone }) {
  const supporting = objective.supporters.some((p) => p.id === me?.id);
  const problem = problemLine();
  const button = h("button", { type: "button", class: "quiet support-toggle", dataset: { supporting: String(supporting) } },
    t(supporting ? "support.withdraw" : "support.give"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const payload = await mutate(supporting ? WITHDRAW_SUPPORT : SUPPORT, { input: { objectiveId: objective.id } });
      announce(t(supporting ? "support.withdrawn" : "support.given"));
      onDone(payload.position);
    } catch (error) {
      showProblem(problem, error);
      button.disabled = false;
    }
  });
  return h("div", { class: "support" }, button, problem);
}

/** Propose an alignment with this objective as the child (align it under another) or as
 *  the parent (take another under it). The proposer speaks for the side they own: this
 *  objective's when it is theirs ("could you?" from a child, "shall we?" from a parent),
 *  the other one's otherwise. withSide: the server takes the side. */
export function proposalForm(objective, { mine, withSide, onDone }) {
  const childByDefault = objective.level !== "COMPANY";
  const asChild = h("input", { type: "radio", name: "proposal-role", value: "CHILD", checked: childByDefault });
  const asParent = h("input", { type: "radio", name: "proposal-role", value: "PARENT", checked: !childByDefault });
  formIds += 1;
  asChild.id = `field-${formIds}`;
  asParent.id = `field-${formIds}-p`;
  const search = h("input", { type: "search", class: "proposal-search", autocomplete: "off" });
  const choice = h("select", { class: "proposal-target", required: true });
  const message = h("textarea", { rows: 2, class: "proposal-message" });
  const problem = problemLine();
  const submit = h("button", { type: "submit" }, t("proposal.send"));
  const role = () => (asChild.checked ? "CHILD" : "PARENT");
  const side = () => {
    if (mine) return role();
    return role() === "CHILD" ? "PARENT" : "CHILD";
  };
  let timer = null;
  let asked = 0;
  const find = async () => {
    const filter = { cycleKey: objective.cycle?.key, search: search.value.trim() || null, statuses: ["ACTIVE", "DRAFT"] };
    asked += 1;
    const mine = asked;
    try {
      const data = await gql(CANDIDATES, { filter });
      if (mine !== asked) return; // a later search is on its way: only the latest is shown
      const found = data.objectives.edges.map((e) => e.node).filter((o) => o.id !== objective.id);
      const chosen = choice.value;
      choice.replaceChildren(h("option", { value: "" }, t(found.length ? "proposal.choose" : "proposal.noneFound")),
        ...found.map((o) => h("option", { value: o.id },
          `${o.title} · ${o.ownerPerson?.name || o.ownerTeam?.name || ""} (${te("level", o.level)})`)));
      if (found.some((o) => o.id === chosen)) choice.value = chosen;
    } catch (error) {
      showProblem(problem, error);
    }
  };
  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(find, SEARCH_SETTLE_MS);
  });
  const form = h("form", { class: "proposal-form", novalidate: true },
    h("fieldset", { class: "sides" }, h("legend", {}, t("proposal.role")),
      h("div", { class: "field inline" }, asChild, h("label", { for: asChild.id }, t("proposal.asChild"))),
      h("div", { class: "field inline" }, asParent, h("label", { for: asParent.id }, t("proposal.asParent")))),
    field(t("proposal.search"), search),
    field(t("proposal.target"), choice),
    field(t("proposal.message"), message),
    problem,
    h("div", { class: "form-buttons" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    if (!choice.value) {
      showProblem(problem, new Error(t("proposal.needTarget")));
      choice.focus();
      return;
    }
    const other = choice.value;
    const input = role() === "CHILD"
      ? { childId: objective.id, parentId: other, message: message.value.trim() }
      : { childId: other, parentId: objective.id, message: message.value.trim() };
    if (withSide) input.side = side();
    submit.disabled = true;
    try {
      const payload = await mutate(PROPOSE, { input });
      announce(t("proposal.sent"));
      onDone(payload.position);
    } catch (error) {
      showProblem(problem, error);
    } finally {
      submit.disabled = false;
    }
  });
  find();
  return h("details", { class: "propose" }, h("summary", {}, t("proposal.open")), form);
}

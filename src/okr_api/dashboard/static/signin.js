// Signing in: paste a token, or (on a demo server) pick one of the demo's sign-ins. The
// token is kept in sessionStorage: this tab only, gone when it closes.

import { demoTokens, session } from "./api.js";
import { $, clear, h, showMessage } from "./dom.js";
import { t, te } from "./i18n.js";

export function wireSignIn(onSignedIn) {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) {
      showMessage(t("signIn.pasteFirst"));
      $("token-input").focus();
      return;
    }
    session.set(token);
    $("token-input").value = "";
    onSignedIn();
  });
}

export async function showSignIn(message, onSignedIn) {
  $("dashboard").hidden = true;
  $("sign-out").hidden = true;
  $("who").textContent = "";
  $("sign-in").hidden = false;
  showMessage(message || "");
  const tokens = await demoTokens();
  const list = clear($("demo-tokens"));
  for (const demo of tokens) {
    list.append(h("li", {}, h("button", {
      type: "button",
      class: "demo-sign-in",
      dataset: { label: demo.label },
      onclick: () => {
        session.set(demo.token);
        onSignedIn();
      },
    }, t("signIn.as", { label: demo.label }), h("span", { class: "roles" }, (demo.roles || []).map((role) => te("role", role)).join(", ")))));
  }
  $("demo-sign-ins").hidden = !tokens.length;
}

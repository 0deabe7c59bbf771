// The GraphQL client over HTTP, the session's token and the demo sign-ins.

import { t } from "./i18n.js";

const TOKEN_KEY = "okr-dashboard.token";
const ENDPOINT = "/graphql";
const NOT_YET_RETRIES = 3;

export const session = {
  get token() {
    return window.sessionStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    window.sessionStorage.setItem(TOKEN_KEY, token.trim().replace(/^bearer\s+/i, ""));
  },
  clear() {
    window.sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const sleep = (ms) => new Promise((resolve) => { window.setTimeout(resolve, ms); });

/** POST a document; answer {data, errors} as the server sent them (HTTP failures throw).
 *  A probe asks for plain JSON, where a document the schema refuses is still a 200. */
export async function request(query, variables = {}, { probe = false } = {}) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: probe ? "application/json" : "application/graphql-response+json, application/json",
      Authorization: `Bearer ${session.token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(t("api.status", { status: response.status }), "HTTP", response.status);
  }
  if (!body.data && body.errors && response.status > 400) {
    const first = body.errors[0] || {};
    throw new ApiError(first.message || t("api.status", { status: response.status }),
      (first.extensions || {}).code || "HTTP", response.status);
  }
  return { data: body.data || null, errors: body.errors || [] };
}

/** Run a query and answer its data; errors throw (a NOT_YET read is retried briefly). */
export async function gql(query, variables = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const { data, errors } = await request(query, variables);
    if (!errors.length) return data;
    const first = errors[0];
    const code = (first.extensions || {}).code || "GRAPHQL";
    if (code === "NOT_YET" && attempt < NOT_YET_RETRIES) {
      await sleep(300 * (attempt + 1));
      continue;
    }
    throw new ApiError(first.message, code, 200);
  }
}

/** The demo's one-click sign-ins; none when the server is not running the demo. */
export async function demoTokens() {
  try {
    const response = await fetch("/demo/tokens", { headers: { Accept: "application/json" } });
    if (!response.ok) return [];
    const body = await response.json();
    return Array.isArray(body.tokens) ? body.tokens : [];
  } catch {
    return [];
  }
}

/** Ask for something the server may not offer yet: {offered, data, error}. A document the
 *  schema refuses fails validation (errors without a path): not offered. */
export async function probe(query, variables = {}) {
  try {
    const { data, errors } = await request(query, variables, { probe: true });
    if (!errors.length && data) return { offered: true, data, error: null };
    const executed = errors.some((error) => error.path);
    return { offered: executed, data, error: errors[0]?.message || null };
  } catch (error) {
    return { offered: false, data: null, error: error.message };
  }
}

/** Run a mutation; answers its payload, or throws an ApiError for its first userError. */
export async function mutate(query, variables) {
  const data = await gql(query, variables);
  const payload = Object.values(data)[0];
  const problem = payload?.userErrors?.[0];
  if (problem) throw new ApiError(problem.message, problem.code, 200);
  return payload;
}

const SETTLE_POLL_MS = 150;
const SETTLE_LIMIT_MS = 5000;

/** Wait until the read models have reached a position written (read your writes, for
 *  answers that take no minPosition); gives up quietly after a few seconds. */
export async function settle(position) {
  if (typeof position !== "number") return;
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (Date.now() < deadline) {
    try {
      const { data } = await request("query DashboardSettle { position }");
      if (data && data.position >= position) return;
    } catch {
      return;
    }
    await sleep(SETTLE_POLL_MS);
  }
}

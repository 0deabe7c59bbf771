// Live mode: the cycle's events over the okrEvents subscription (resumed after the last
// position seen); when the server offers no subscription, or the socket is down, the
// read model's position is polled every few seconds instead.

import { request } from "./api.js";
import { t } from "./i18n.js";
import { CYCLE_EVENTS, POSITION } from "./queries.js";
import { GraphqlSocket } from "./socket.js";

const POLL_MS = 3000;
const RECONNECT_MS = 3000;

export class LiveUpdates {
  /** onChange(position): something at or before position changed; onStatus(mode, text). */
  constructor({ token, cycleKey, after, onChange, onStatus }) {
    this.token = token;
    this.cycleKey = cycleKey;
    this.position = after;
    this.onChange = onChange;
    this.onStatus = onStatus;
    this.socket = null;
    this.pollTimer = null;
    this.retryTimer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.subscribe();
  }

  stop() {
    this.stopped = true;
    window.clearInterval(this.pollTimer);
    window.clearTimeout(this.retryTimer);
    this.pollTimer = null;
    if (this.socket) this.socket.close();
    this.socket = null;
    this.onStatus("off", t("live.off"));
  }

  seen(position) {
    if (position > this.position) {
      this.position = position;
      this.onChange(position);
    }
  }

  async subscribe() {
    const socket = new GraphqlSocket(this.token);
    try {
      await socket.connect();
    } catch (error) {
      if (!this.stopped) this.poll(t("live.noConnection", { why: error.message }));
      return;
    }
    if (this.stopped) {
      socket.close();
      return;
    }
    this.socket = socket;
    socket.onclose = () => this.retry(t("live.dropped"));
    socket.subscribe(CYCLE_EVENTS, { after: this.position, filter: { cycleKey: this.cycleKey } }, {
      next: (payload) => this.receive(payload),
      error: (errors) => this.poll(t("live.noFeed", { why: errors?.[0]?.message || t("common.refused") })),
      complete: () => this.retry(t("live.ended")),
    });
    this.stopPolling();
    this.onStatus("subscription", t("live.subscription"));
  }

  receive(payload) {
    const event = payload?.data?.okrEvents;
    if (event) {
      this.seen(event.position);
      return;
    }
    const error = payload?.errors?.[0];
    const resumeAfter = error?.extensions?.resumeAfter;
    if (typeof resumeAfter === "number") this.position = Math.max(this.position, resumeAfter);
    this.retry(error?.message || t("live.stopped"));
  }

  retry(reason) {
    if (this.stopped) return;
    if (this.socket) this.socket.close();
    this.socket = null;
    this.poll(t("live.reconnecting", { reason }));
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.subscribe(), RECONNECT_MS);
  }

  poll(reason) {
    if (this.stopped) return;
    this.onStatus("polling", t("live.polling", { seconds: POLL_MS / 1000, reason }));
    if (this.pollTimer) return;
    this.pollTimer = window.setInterval(async () => {
      try {
        const { data } = await request(POSITION);
        if (data && typeof data.position === "number") this.seen(data.position);
      } catch {
        // a missed poll is retried on the next tick
      }
    }, POLL_MS);
  }

  stopPolling() {
    window.clearInterval(this.pollTimer);
    this.pollTimer = null;
  }
}

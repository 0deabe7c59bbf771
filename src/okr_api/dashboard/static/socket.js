// GraphQL over WebSocket, the graphql-transport-ws protocol: connection_init with the
// bearer token, connection_ack, then subscribe/next/error/complete per operation id,
// ping answered with pong.

import { t } from "./i18n.js";

const PROTOCOL = "graphql-transport-ws";
const ACK_TIMEOUT_MS = 5000;

export class GraphqlSocket {
  constructor(token, path = "/graphql") {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    this.url = `${scheme}//${window.location.host}${path}`;
    this.token = token;
    this.sinks = new Map();
    this.nextId = 1;
    this.socket = null;
    this.onclose = null;
  }

  /** Open the connection; resolves once the server acknowledged the token. */
  connect() {
    return new Promise((resolve, reject) => {
      let acknowledged = false;
      const socket = new WebSocket(this.url, PROTOCOL);
      this.socket = socket;
      const timer = window.setTimeout(() => {
        if (!acknowledged) {
          reject(new Error(t("socket.noAck")));
          socket.close(4408, "Connection initialisation timeout");
        }
      }, ACK_TIMEOUT_MS);
      socket.addEventListener("open", () => {
        this.send({ type: "connection_init", payload: { Authorization: `Bearer ${this.token}` } });
      });
      socket.addEventListener("message", (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (message.type === "connection_ack") {
          acknowledged = true;
          window.clearTimeout(timer);
          resolve(this);
        } else {
          this.receive(message);
        }
      });
      socket.addEventListener("close", (event) => {
        window.clearTimeout(timer);
        if (!acknowledged) reject(new Error(event.reason || t("socket.closed", { code: event.code })));
        for (const sink of this.sinks.values()) sink.error?.([{ message: t("socket.closedPlain") }]);
        this.sinks.clear();
        if (acknowledged && this.onclose) this.onclose(event);
      });
    });
  }

  receive(message) {
    if (message.type === "ping") {
      this.send({ type: "pong" });
      return;
    }
    const sink = this.sinks.get(message.id);
    if (!sink) return;
    if (message.type === "next") {
      sink.next?.(message.payload);
    } else if (message.type === "error") {
      this.sinks.delete(message.id);
      sink.error?.(message.payload);
    } else if (message.type === "complete") {
      this.sinks.delete(message.id);
      sink.complete?.();
    }
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  /** Start an operation; sink = {next(payload), error(errors), complete()}. Answers a
   *  function that stops it. */
  subscribe(query, variables, sink) {
    const id = String(this.nextId);
    this.nextId += 1;
    this.sinks.set(id, sink);
    this.send({ id, type: "subscribe", payload: { query, variables } });
    return () => {
      if (this.sinks.delete(id)) this.send({ id, type: "complete" });
    };
  }

  close() {
    this.onclose = null;
    this.sinks.clear();
    if (this.socket) this.socket.close(1000, "done");
    this.socket = null;
  }
}

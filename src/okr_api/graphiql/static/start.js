// GraphiQL against this service's /graphql: queries and mutations over HTTP, subscriptions
// over WebSocket on the same origin. The headers editor's Authorization header goes with
// both (GraphiQL passes the headers as the socket's connection_init payload).
(function () {
  "use strict";

  // GraphiQL's dialogs add <style> elements: the page's Content-Security-Policy allows
  // those that carry this response's nonce, which the bundle reads from here.
  window.__webpack_nonce__ = document.querySelector('meta[name="style-nonce"]').content;

  const url = new URL("/graphql", window.location.href);
  const socketUrl = new URL(url);
  socketUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const HOW_TO_SIGN_IN = 'Every request needs a bearer token: put {"Authorization": ' +
    '"Bearer <token>"} in the Headers tab (okr-api token mints one), then re-fetch the ' +
    "schema (the circling arrows, or Shift-Ctrl-R) for the docs and completion.";

  const send = GraphiQL.createFetcher({
    url: url.toString(),
    subscriptionUrl: socketUrl.toString(),
  });

  function authorization(headers) {
    for (const name of Object.keys(headers || {})) {
      if (name.toLowerCase() === "authorization") {
        return String(headers[name]);
      }
    }
    return "";
  }

  // Without a token the server can only refuse: say how to sign in instead of asking it.
  function fetcher(params, options) {
    if (!/^bearer\s+\S+/i.test(authorization(options && options.headers).trim())) {
      return Promise.resolve({
        errors: [{ message: HOW_TO_SIGN_IN, extensions: { code: "UNAUTHENTICATED" } }],
      });
    }
    return send(params, options);
  }

  const defaultQuery = [
    '# Every request needs a bearer token: put {"Authorization": "Bearer <token>"}',
    "# in the Headers tab below (okr-api token mints one), then re-fetch the schema",
    "# (the circling arrows, or Shift-Ctrl-R) for the docs and completion.",
    "",
    "{",
    "  viewer { subject roles }",
    "  cycles { key status }",
    "}",
    "",
  ].join("\n");

  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
  }));
})();

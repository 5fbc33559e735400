// The api's HTTP server for its Express app: Node's http server creates each request and response with the
// app's own prototypes (`app.request`, `app.response`) from the start.
//
// Why (issue 14.4): Express gives every request and response its app's prototype with Object.setPrototypeOf,
// once per request. In V8 such objects, and what they reference, survived the next young-generation
// collections (scavenges) and were promoted to the old generation. Measured on the api at 1M issues (3,000
// sequential requests, 32 MB semi-space): `GET /-/health` promoted 10.6 % of what it allocated and
// `{ __typename }` 9.7 %, with mean scavenges of 13 ms; with this server 3.7 % and 3.5 %, scavenges 6.6 and
// 7.3 ms. A plain Express app on Node's http server promoted ~20 MB per 3,000 requests, ~0.2 MB with this
// one. (The issue list promotes ~7.5 % either way: that is something else.) With the prototypes in place
// from creation, Express's setPrototypeOf finds the one it sets already there and changes nothing (setting
// the current prototype is a no-op in the language).
import http from "node:http";
import type { Express } from "express";

/**
 * Node's http server for `app`, its requests and responses created as instances of subclasses of Node's
 * own whose prototypes become `app.request` and `app.response` (each inherits the app's original, so every
 * Express method and property, and `req.app`, stays where it was).
 */
export const createExpressHttpServer = (app: Express): http.Server => {
  // Subclasses, not functions that construct with another prototype (Reflect.construct): V8 kept
  // instances made that way alive through scavenges too, though less (measured beside this one).
  class Request extends http.IncomingMessage {}
  class Response extends http.ServerResponse {}
  Object.setPrototypeOf(Request.prototype, app.request);
  Object.setPrototypeOf(Response.prototype, app.response);
  app.request = Request.prototype as Express["request"];
  app.response = Response.prototype as Express["response"];
  return http.createServer({ IncomingMessage: Request, ServerResponse: Response }, app);
};

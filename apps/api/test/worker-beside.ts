// The worker's inbound side, started beside an api under test as it is deployed: mail stored or retried
// through the api is processed there (issue 14.1), never in the api.
import type { Config } from "@tidings/config";
import type { TestDatabase } from "@tidings/db/testing";
import { type Inbound, type InboundOptions, startInbound } from "../../worker/src/inbound/index.ts";
import { testWorkerContext } from "../../worker/test/helpers.ts";

/** Starts inbound processing on the test database with the api's mail addresses; stop() it after. */
export const startWorkerBeside = (db: TestDatabase, config: Config, opts: InboundOptions = {}): Promise<Inbound> =>
  startInbound(
    testWorkerContext(db.dataSource, db.url, {
      INCOMING_EMAIL_ADDRESS: config.INCOMING_EMAIL_ADDRESS,
      EMAIL_FROM: config.EMAIL_FROM,
      PUBLIC_URL: config.PUBLIC_URL,
      MAX_EMAIL_BYTES: String(config.MAX_EMAIL_BYTES),
      ...(config.SERVICE_DESK_EMAIL_ADDRESS ? { SERVICE_DESK_EMAIL_ADDRESS: config.SERVICE_DESK_EMAIL_ADDRESS } : {}),
    }),
    opts,
  );

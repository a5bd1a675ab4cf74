// The notification dispatcher's passes under a stream of writes (DispatcherOptions.writeGapMs): each pass
// costs queries even with nothing to deliver, so the writes of one process bring about at most one pass per
// gap, not one per commit; and a write still brings one about soon, without waiting for the poll interval.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadModel } from '../src/model/index.js';
import { NotificationDispatcher } from '../src/notifications/dispatcher.js';
import { StorageSchema } from '../src/store/schema.js';
import type { Store } from '../src/store/store.js';
import { newBusiness } from './helpers/bookings.js';
import { startServer, type TestServer } from './helpers/server.js';
import { testStore, type TestStore } from './helpers/store.js';

let store: TestStore;
let server: TestServer;
before(async () => {
  store = testStore();
  server = await startServer(store.config);
});
after(async () => {
  await server?.close();
  await store?.dispose();
});

/** The server's store, its `deliveries.due` (one call per pass) counted. */
function counted(inner: Store): { store: Store; passes: () => number } {
  let passes = 0;
  const deliveries = new Proxy(inner.deliveries, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'due' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        passes++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'deliveries') return deliveries;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, passes: () => passes };
}

describe('notification passes under writes', () => {
  it('a stream of creates brings about at most one pass per gap; a lone write brings one about soon', async () => {
    const model = loadModel();
    const spy = counted(server.clientele.store);
    // A long gap, so that the creates' commits (at least one per round) far outnumber the gaps they span.
    const GAP = 1000;
    // The poll interval is long: every pass here is one a write brought about.
    const dispatcher = new NotificationDispatcher(spy.store, model, new StorageSchema(model), { pollIntervalMs: 60_000, writeGapMs: GAP });
    dispatcher.start();
    try {
      await sleep(50);
      const biz = await newBusiness(server, { prefix: 'Passes' });
      const startPasses = spy.passes();
      const started = Date.now();
      // Twenty rounds of ten creates at once: at least twenty commits, most of them less than a gap apart.
      for (let round = 0; round < 20; round++) {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            server.request('POST', biz.path('beta', 'customers'), { body: { displayName: `C ${round}.${i}`, emailAddress: `c${round}x${i}@example.com` } }),
          ),
        );
        for (const r of results) assert.equal(r.status, 201, `create: ${r.text}`);
      }
      const elapsed = Date.now() - started;
      await sleep(GAP * 2);
      const passes = spy.passes() - startPasses;
      assert.ok(passes >= 1, `the creates brought about a pass (${passes})`);
      assert.ok(passes <= Math.ceil((elapsed + GAP * 2) / GAP) + 1, `${passes} passes in ${elapsed + GAP * 2} ms: at most one per ${GAP} ms gap`);

      // Quiet now: one more write brings one pass about, long before the 60 s poll.
      const quiet = spy.passes();
      const one = await server.request('POST', biz.path('beta', 'customers'), { body: { displayName: 'Lone', emailAddress: 'lone@example.com' } });
      assert.equal(one.status, 201, `lone create: ${one.text}`);
      const deadline = Date.now() + 10_000;
      while (spy.passes() === quiet && Date.now() < deadline) await sleep(10);
      assert.ok(spy.passes() > quiet, 'a write after a quiet spell brings a pass about without waiting for the poll interval');
    } finally {
      await dispatcher.stop();
    }
  });
});

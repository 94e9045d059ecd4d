/**
 * A second node in its own process: opens the store named by argv[2] and runs the operations the test
 * process sends it, each batch all at once, answering with the results. (Two stores in ONE process are
 * not what two nodes are on SQLite: its driver is synchronous, so one thread's lock wait blocks the
 * other store's commit; a separate process waits like a real node does.)
 */
import { openStore } from '../../src/stores/store.js';
import type { RefreshTokenRecord } from '../../src/domain/refresh-family.js';

export type NodeRequest =
  | { op: 'rotate' | 'reissue'; presentedHash: string; successors: RefreshTokenRecord[]; at: number; graceUntil?: number | null }
  | { op: 'close' };

/** One entry per call: its result, or the message of the error it threw. */
export type NodeReply = { ready: true } | { results: (boolean | string)[] };

const url = process.argv[2];
if (!url || !process.send) throw new Error('run me with child_process.fork(file, [databaseUrl])');
const store = await openStore(url);
// open every pooled connection before the race, as the test process does
await Promise.all(Array.from({ length: 10 }, () => store.sessions.get('warm-up')));
const reply = (message: NodeReply): void => void process.send!(message);

process.on('message', (request: NodeRequest) => {
  void (async () => {
    if (request.op === 'close') {
      await store.close();
      process.disconnect();
      return;
    }
    const settled = await Promise.allSettled(
      request.successors.map((next) =>
        request.op === 'reissue'
          ? store.refresh.reissueWithinGrace(request.presentedHash, next, request.at)
          : store.refresh.rotate(request.presentedHash, next, request.at, request.graceUntil ?? null),
      ),
    );
    reply({ results: settled.map((s) => (s.status === 'fulfilled' ? s.value : String(s.reason))) });
  })();
});
reply({ ready: true });

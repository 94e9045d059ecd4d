import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { built } from '../support/build.js';

/**
 * LOG_FLUSH_MS: log lines are gathered into one write, yet a quiet process's last line still comes out
 * while the process keeps running (the flush timer), and every line comes out in order.
 */
function runLogger(flushMs: number, lines: number): Promise<string[]> {
  const logger = pathToFileURL(built('src/http/logger.js')).href;
  const script = `
    const { createLogger } = await import(${JSON.stringify(logger)});
    const log = createLogger('info', ${flushMs});
    for (let i = 0; i < ${lines}; i++) log.info({ n: i }, 'line');
    setTimeout(() => {}, 60_000); // stays alive: only the timer can write a short last batch
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    // not a speed check: a line that is never written would otherwise wait for the process's end
    const giveUp = setTimeout(() => {
      child.kill();
      reject(new Error(`only ${out.split('\n').filter(Boolean).length} of ${lines} lines came out within 15 s`));
    }, 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const got = out.split('\n').filter(Boolean);
      if (got.length >= lines) {
        clearTimeout(giveUp);
        child.kill();
        resolve(got);
      }
    });
    child.on('exit', () => clearTimeout(giveUp));
    child.on('exit', () => reject(new Error(`the process ended with ${out.split('\n').filter(Boolean).length} of ${lines} lines`)));
  });
}

describe('log lines gathered into fewer writes (LOG_FLUSH_MS)', () => {
  it('a short batch comes out while the process keeps running, in order', async () => {
    const got = await runLogger(100, 3);
    assert.deepEqual(got.map((line) => JSON.parse(line).n), [0, 1, 2]);
  });

  it('more than the gathering buffer comes out whole and in order', async () => {
    const got = await runLogger(1000, 200);
    assert.deepEqual(got.map((line) => JSON.parse(line).n), [...Array(200).keys()]);
  });

  it('LOG_FLUSH_MS=0 writes each line at once', async () => {
    const got = await runLogger(0, 2);
    assert.equal(got.length, 2);
  });
});

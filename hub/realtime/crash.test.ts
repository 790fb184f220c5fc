// The hub process killed with SIGKILL in the middle of a burst from 100 clients, then
// restarted on the same data: every message it acknowledged is still there, and resending
// what was in flight stores each message exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { createTestContext } from '../testing/context.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';
import { TestClient } from '../testing/ws-client.js';
import { eachDialect } from '../testing/databases.js';

eachDialect((databases) => {
  const CLIENTS = 100;
  const PER_CLIENT_PER_SECOND = 10;
  let dir: string;
  let database: string;
  let clinic: TestOrg;
  let child: ChildProcess | undefined;

  /** Starts `clinic-chat-hub` as its own process; resolves with its WebSocket URL. */
  async function startHubProcess(): Promise<string> {
    child = spawn(process.execPath, ['--import', 'tsx', 'hub/bin.ts', '--port', '0', '--data-dir', dir, '--database', database, '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.includes('"event":"listening"')) return (JSON.parse(line) as { wsUrl: string }).wsUrl;
    }
    throw new Error('the hub process exited before listening');
  }

  async function storedKeys(): Promise<Set<string>> {
    const db = await openDatabase(database);
    const rows = await db
      .selectFrom('messages')
      .innerJoin('patients', 'patients.id', 'messages.author_id')
      .select(['patients.external_id as author', 'messages.client_id'])
      .execute();
    await db.destroy();
    return new Set(rows.map((r) => `${r.author}/${r.client_id}`));
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clinic-chat-crash-'));
    database = await databases.fresh();
    const ctx = await createTestContext({ database });
    clinic = await createTestOrg(ctx);
    await ctx.db.destroy();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  describe('hub killed with SIGKILL mid-burst', () => {
    it('loses no acknowledged message, and a resend after restart stores nothing twice', async () => {
      const wsUrl = await startHubProcess();
      const patients = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => clinic.mint({ sub: `p${i}`, name: `P${i}` }).then((token) => TestClient.connect(wsUrl, token))),
      );
      const sent = new Map<string, string[]>(); // patient → client ids sent
      let stop = false;
      const senders = patients.map(async (client, i) => {
        const ids: string[] = [];
        sent.set(`p${i}`, ids);
        for (let n = 0; !stop && client.closeCode === undefined; n++) {
          const id = `m${n}`;
          ids.push(id);
          client.send({ type: 'message', id, thread: `p${i}`, from: { id: `p${i}`, name: 'x', role: 'patient' }, text: `burst ${n}`, at: Date.now(), clock: n + 1 });
          await new Promise((r) => setTimeout(r, 1000 / PER_CLIENT_PER_SECOND));
        }
      });
      // Let the burst run until the hub has acknowledged a good number (however fast this machine is), then kill it without warning.
      const ackedSoFar = () => patients.reduce((n, c) => n + c.of('ack').length, 0);
      for (let deadline = Date.now() + 30_000; ackedSoFar() <= CLIENTS * 5 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
      child!.kill('SIGKILL');
      await Promise.all(patients.map((c) => c.closed()));
      stop = true;
      await Promise.all(senders);

      const acked = new Set(patients.flatMap((c, i) => c.of('ack').map((a) => `p${i}/${a.id}`)));
      const stored = await storedKeys();
      const lost = [...acked].filter((key) => !stored.has(key));
      console.info(`SIGKILL mid-burst: ${CLIENTS} clients, ${acked.size} messages acknowledged before the kill, ${lost.length} of them lost`);
      expect(acked.size).toBeGreaterThan(CLIENTS * 5);
      expect(lost).toEqual([]);

      // Restart on the same data; every patient resends everything it sent (the outbox does this for unacked ones).
      const again = await startHubProcess();
      const resent = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) => clinic.mint({ sub: `p${i}`, name: `P${i}` }).then((token) => TestClient.connect(again, token))),
      );
      await Promise.all(
        resent.map(async (client, i) => {
          const ids = sent.get(`p${i}`)!;
          for (const [n, id] of ids.entries()) {
            client.send({ type: 'message', id, thread: `p${i}`, from: { id: `p${i}`, name: 'x', role: 'patient' }, text: `burst ${n}`, at: Date.now(), clock: n + 1 });
            if (n % 40 === 39) await new Promise((r) => setTimeout(r, 100));
          }
          await client.waitForCount((f) => f.type === 'ack', ids.length, 30_000);
          const seqs = client.of('ack').map((a) => a.seq);
          expect(new Set(seqs).size).toBe(ids.length);
        }),
      );
      const after = await storedKeys();
      const totalSent = [...sent.values()].reduce((n, ids) => n + ids.length, 0);
      console.info(`after restart: ${totalSent} distinct messages resent, ${after.size} stored (${after.size - totalSent} duplicates)`);
      expect(after.size).toBe(totalSent);
      for (const c of resent) c.close();
      child!.kill('SIGTERM');
    }, 90_000);
  });
});

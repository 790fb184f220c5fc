// The sequencer puts a thread's live messages back in seq order when hubs publish them out of
// order, reads one that never comes from the database, and delivers each message once.
import { describe, expect, it } from 'vitest';
import type { Envelope } from './broker.js';
import { Sequencer, type FillGap } from './sequencer.js';

const message = (thread: string, seq: number): Envelope => ({ org: 'clinic', route: { to: 'thread', thread }, item: { thread, seq, data: [`${thread}#${seq}`] } });

/** A sequencer whose "database" holds `stored` (seqs per thread), recording what it delivers and what it reads. */
function sequencer(stored: Record<string, number[]> = {}, gapMs = 20) {
  const delivered: string[] = [];
  const reads: string[] = [];
  const fill: FillGap = async (_org, thread, afterSeq, upTo) => {
    reads.push(`${thread}:${afterSeq + 1}-${upTo}`);
    if (!stored[thread]) throw new Error('database unreachable');
    return stored[thread].filter((seq) => seq > afterSeq && seq <= upTo).map((seq) => message(thread, seq));
  };
  const s = new Sequencer((envelope) => delivered.push(envelope.item.data[0]!), fill, gapMs);
  const until = async (count: number) => {
    for (let deadline = Date.now() + 5000; delivered.length < count && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
  };
  return { s, delivered, reads, until };
}

describe('Sequencer', () => {
  it("holds a thread's later message until the one stored before it arrives", () => {
    const { s, delivered } = sequencer({}, 60_000);
    s.push(message('ana', 1));
    s.push(message('ana', 3));
    s.push(message('ben', 1));
    s.push(message('ana', 2));
    expect(delivered).toEqual(['ana#1', 'ben#1', 'ana#2', 'ana#3']);
    s.close();
  });

  it('goes on from where a socket caught up from the database, without waiting', () => {
    const { s, delivered } = sequencer({}, 60_000);
    s.caughtUp('clinic', 'ana', 10);
    s.push(message('ana', 11));
    s.push({ org: 'clinic', route: { to: 'staff' }, item: { data: ['receipt'] } });
    expect(delivered).toEqual(['ana#11', 'receipt']);
    s.close();
  });

  it('reads a message that never comes from the database, in its place, and drops the copy that comes after all', async () => {
    const { s, delivered, reads, until } = sequencer({ ana: [1, 2, 3, 4] });
    s.push(message('ana', 1));
    s.push(message('ana', 3));
    s.push(message('ana', 4));
    await until(4);
    s.push(message('ana', 2));
    s.push(message('ana', 5));
    expect(delivered).toEqual(['ana#1', 'ana#2', 'ana#3', 'ana#4', 'ana#5']);
    expect(reads).toEqual(['ana:2-2']);
    s.close();
  });

  it('goes on without the missing message when the database cannot be read, and delivers it late if it comes', async () => {
    const { s, delivered, until } = sequencer();
    s.push(message('ana', 1));
    s.push(message('ana', 3));
    await until(2);
    s.push(message('ana', 2));
    s.push(message('ana', 2));
    expect(delivered).toEqual(['ana#1', 'ana#3', 'ana#2']);
    s.close();
  });

  it('starts following a thread mid-way without replaying its history', async () => {
    const { s, delivered, reads, until } = sequencer({ ana: [1, 2, 3, 4, 5, 6, 7] });
    s.push(message('ana', 7));
    s.push(message('ana', 6));
    await until(2);
    s.push(message('ana', 5));
    expect(delivered).toEqual(['ana#6', 'ana#7', 'ana#5']);
    expect(reads).toEqual([]);
    s.close();
  });

  it("starts a thread again at 1 when its conversation is made anew", () => {
    const { s, delivered } = sequencer({}, 60_000);
    s.push(message('ana', 1));
    s.push(message('ana', 2));
    s.push(message('ana', 1));
    s.push(message('ana', 2));
    expect(delivered).toEqual(['ana#1', 'ana#2', 'ana#1', 'ana#2']);
    s.close();
  });
});

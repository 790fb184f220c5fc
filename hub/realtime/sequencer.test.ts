// The sequencer puts a thread's live messages back in seq order when hubs publish them out of
// order, and gives up waiting for one that never comes.
import { describe, expect, it } from 'vitest';
import type { Envelope } from './broker.js';
import { Sequencer } from './sequencer.js';

const message = (thread: string, seq: number): Envelope => ({ org: 'clinic', route: { to: 'thread', thread }, item: { thread, seq, data: [`${thread}#${seq}`] } });

function sequencer(gapMs = 20) {
  const delivered: string[] = [];
  const s = new Sequencer((envelope) => delivered.push(envelope.item.data[0]!), gapMs);
  return { s, delivered };
}

describe('Sequencer', () => {
  it("holds a thread's later message until the one stored before it arrives", () => {
    const { s, delivered } = sequencer(60_000);
    s.push(message('ana', 1));
    s.push(message('ana', 3));
    s.push(message('ben', 1));
    s.push(message('ana', 2));
    expect(delivered).toEqual(['ana#1', 'ben#1', 'ana#2', 'ana#3']);
    s.close();
  });

  it('goes on from where a socket caught up from the database, without waiting', () => {
    const { s, delivered } = sequencer(60_000);
    s.caughtUp('clinic', 'ana', 10);
    s.push(message('ana', 11));
    s.push({ org: 'clinic', route: { to: 'staff' }, item: { data: ['receipt'] } });
    expect(delivered).toEqual(['ana#11', 'receipt']);
    s.close();
  });

  it('delivers the later messages when the missing one never comes, and the missing one whenever it does', async () => {
    const { s, delivered } = sequencer();
    s.push(message('ana', 1));
    s.push(message('ana', 3));
    s.push(message('ana', 4));
    expect(delivered).toEqual(['ana#1']);
    for (let deadline = Date.now() + 5000; delivered.length < 3 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    s.push(message('ana', 2));
    s.push(message('ana', 5));
    expect(delivered).toEqual(['ana#1', 'ana#3', 'ana#4', 'ana#2', 'ana#5']);
    s.close();
  });
});

// InboxLive's coalescing of stored messages, without sockets: a burst into one conversation is
// published once per turn, and flushes never overlap (an older state is never published last).
import { describe, expect, it } from 'vitest';
import type { OutgoingFrame } from '../../protocol/index.js';
import type { HubDatabase } from '../db/database.js';
import { InboxLive } from './inbox-live.js';

/** InboxLive with `changed` counted instead of read from a database (what is under test is when it runs). */
function live() {
  const published: string[] = [];
  let running = 0;
  let overlapped = false;
  const inbox = new InboxLive({} as HubDatabase, (_org, _route, frames: readonly OutgoingFrame[]) => void frames);
  inbox.changed = async (_orgId: string, id: string) => {
    running++;
    if (running > 1) overlapped = true;
    await new Promise((r) => setTimeout(r, 5));
    published.push(id);
    running--;
  };
  return { inbox, published, overlapped: () => overlapped };
}

describe('InboxLive.messageStored', () => {
  it('publishes a burst into one conversation once, and each conversation of the burst once', async () => {
    const { inbox, published } = live();
    for (let i = 0; i < 20; i++) inbox.messageStored('org', 'c1');
    inbox.messageStored('org', 'c2');
    await new Promise((r) => setTimeout(r, 50));
    expect(published).toEqual(['c1', 'c2']);
  });

  it('never runs two flushes at once: messages stored during a flush are published after it', async () => {
    const { inbox, published, overlapped } = live();
    inbox.messageStored('org', 'c1');
    await new Promise((r) => setImmediate(r));
    inbox.messageStored('org', 'c1'); // while the first flush is still publishing
    await new Promise((r) => setTimeout(r, 60));
    expect(overlapped()).toBe(false);
    expect(published).toEqual(['c1', 'c1']);
  });
});

// What the core publishes: the one answer to where the other side of each thread is, and the
// immutable snapshot of the whole chat that elements render.
import type { Peer } from '../../protocol/index.js';
import type { ThreadStore } from './threads.js';
import type { BoxState, ChatState, Connection, PeerState, Retention, ThreadState } from './types.js';

/** Where the other side of a thread is: the one source for every line of status text. */
export function peerStateOf(thread: ThreadState, role: Peer['role'], connection: Connection, repliesWhileAway = false): PeerState {
  if (connection === 'refused') return 'unavailable';
  if (thread.ended) return 'ended';
  if (role === 'provider' && !thread.present && !repliesWhileAway) return 'left';
  if (connection === 'offline') return 'offline';
  if (role === 'provider' && !thread.present) return 'away';
  if (role === 'patient') return thread.present ? 'here' : 'waiting';
  return thread.inCall ? 'in-call' : 'waiting';
}

/** Brings every thread's `peerState` up to date before a snapshot is taken. */
export function refreshPeerStates(threads: ThreadStore, role: Peer['role'], connection: Connection, repliesWhileAway = false): void {
  for (const thread of threads.list()) {
    const peerState = peerStateOf(thread, role, connection, repliesWhileAway);
    if (peerState !== thread.peerState) threads.update(thread.id, { peerState });
  }
}

export interface SnapshotParts {
  me: Peer;
  retention: Retention;
  connection: Connection;
  threads: readonly ThreadState[];
  active: string | null;
  box: BoxState;
  notifications: boolean;
  /** Ephemeral mode: messages live only in the pages' memory. */
  ephemeral: boolean;
}

export function snapshot(parts: SnapshotParts): ChatState {
  const { me, threads, ephemeral, ...rest } = parts;
  return {
    me,
    role: me.role,
    ...rest,
    threads,
    totalUnread: threads.reduce((sum, t) => sum + t.unread, 0),
    wouldLoseOnUnload: ephemeral && threads.some((t) => t.messages.length > 0),
  };
}

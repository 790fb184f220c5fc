// The words for where the other side of a thread is (the core's `peerState`): the box's
// header and banner and the queue's status line all take them from here, so they agree.
import type { Role } from '../../protocol/index.js';
import type { PeerState } from '../core/types.js';

const HEADER: Record<Role, Record<PeerState, string>> = {
  provider: {
    unavailable: 'Chat unavailable',
    ended: 'Chat ended',
    left: 'Left',
    away: 'Not in the chat now — they will see your reply when they return',
    offline: 'Offline — messages will be sent when the connection returns',
    'in-call': 'In the video call',
    waiting: 'Waiting in the queue',
    here: 'Here',
  },
  patient: {
    unavailable: 'Chat unavailable',
    ended: 'Chat ended',
    left: 'Left',
    away: 'Away',
    offline: 'Offline — messages will be sent when the connection returns',
    'in-call': 'Care team online',
    waiting: 'Waiting for the care team',
    here: 'Care team online',
  },
};

/** The status line under a box's title (and in the queue). */
export function peerStateText(state: PeerState, role: Role): string {
  return HEADER[role][state];
}

/**
 * A patient's status line in the queue: the header's words, except that a waiting patient's
 * line says once how long they have waited ("Waiting 4 min"), not "Waiting" and then the time.
 */
export function queueStatusText(state: PeerState, waitedMs: number): string {
  return state === 'waiting' ? waitingText(waitedMs) : peerStateText(state, 'provider');
}

/** "Waiting under a minute", "Waiting 5 min", "Waiting 1 h 20 min". */
export function waitingText(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'Waiting under a minute';
  if (minutes < 60) return `Waiting ${minutes} min`;
  return `Waiting ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Why sending is over, for the banner above a disabled composer; undefined while one can send. */
export function blockedText(state: PeerState, patientName: string): string | undefined {
  switch (state) {
    case 'unavailable':
      return 'This page is not allowed to connect to the chat service.';
    case 'ended':
      return 'This chat has ended.';
    case 'left':
      return `${patientName} has left. You can no longer send messages.`;
    default:
      return undefined;
  }
}

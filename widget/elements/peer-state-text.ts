// The words for where the other side of a thread is (the core's `peerState`): the box's
// header and banner and the queue's status line all take them from here, so they agree.
import type { Role } from '../../protocol/index.js';
import type { PeerState } from '../core/types.js';

const HEADER: Record<Role, Record<PeerState, string>> = {
  provider: {
    unavailable: 'Chat unavailable',
    ended: 'Chat ended',
    left: 'Left',
    offline: 'Offline — messages will be sent when the connection returns',
    'in-call': 'In the video call',
    waiting: 'Waiting in the queue',
    here: 'Here',
  },
  patient: {
    unavailable: 'Chat unavailable',
    ended: 'Chat ended',
    left: 'Left',
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

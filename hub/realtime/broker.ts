// Live fan-out between hubs. A frame travels as an envelope: the org it belongs to, who in
// the org receives it, and its frames encoded once. The hub that makes an envelope delivers it
// to its own sockets itself; the broker only carries it to the other hubs (one hub: nowhere).
import { encodeFrame, type OutgoingFrame } from '../../protocol/index.js';

/** One live item as sockets receive it: a frame, or a message with its chunks, each encoded once. */
export interface LiveItem {
  /** For a message: its thread and seq, so a client catching up does not get it twice. */
  thread?: string;
  seq?: number;
  data: string[];
}

/** Who in the org receives an envelope. */
export type Route =
  /** Everyone in a thread: the org's care team and the patient's sockets, except the sending socket. */
  | { to: 'thread'; thread: string; except?: string }
  /** The org's care team. */
  | { to: 'staff' }
  /** One patient's sockets. */
  | { to: 'patient'; thread: string }
  /** One staff member's sockets (by staff id): their own inbox marks and mentions. */
  | { to: 'staff-member'; staff: string };

export interface Envelope {
  org: string;
  route: Route;
  item: LiveItem;
}

export interface Broker {
  /** Carries an envelope to the other hubs that have sockets in its org. Never throws; never waits. */
  publish(envelope: Envelope): void;
  /** This hub has sockets in the org now (the first arrived) / no longer (the last left). */
  watch(orgId: string): void;
  unwatch(orgId: string): void;
  /** Where envelopes from other hubs go. */
  onEnvelope(handler: (envelope: Envelope) => void): void;
}

export function liveItem(frames: readonly OutgoingFrame[]): LiveItem {
  const head = frames[0];
  const data = frames.map((frame) => encodeFrame(frame));
  return head?.type === 'message' && head.seq !== undefined ? { thread: head.thread, seq: head.seq, data } : { data };
}

/** One hub: every socket is local, so there is no one else to carry anything to. */
export class MemoryBroker implements Broker {
  publish(): void {}
  watch(): void {}
  unwatch(): void {}
  onEnvelope(): void {}
}

// What differs between ephemeral mode (frames go straight to the other pages) and hub mode
// (a server stores, orders and acknowledges): one object, chosen from the transport when the
// core is built, so the rest of the core never asks which mode it is in.
import type { ErrorFrame, Frame } from '../../protocol/index.js';
import type { Transport } from '../transports/transport.js';
import type { ChatMessage, MessageStatus } from './types.js';

export interface Delivery {
  readonly kind: 'peer' | 'hub';
  /** Whether a frame from this page's own id is history to take in (hub resume, other devices); anything else of mine is an echo. */
  isOwnHistory(frame: Frame, awaitingChunks: boolean): boolean;
  /** Whether an error frame is meant for this page. */
  isForMe(frame: ErrorFrame, me: string): boolean;
  /** Whether a peer silent for `silentMs` is gone (three missed heartbeats), or the transport says so itself. */
  hasExpired(silentMs: number, heartbeatMs: number): boolean;
  /** Whether the outbox may hand a message to the transport now. */
  mayHandOff(counterpartPresent: boolean): boolean;
  /** What a message is once the transport took it: *sent*, or still *sending* until the hub acks it. */
  readonly statusOnHandOff: MessageStatus;
  /** The order of two messages in a thread. */
  compare(a: ChatMessage, b: ChatMessage): number;
  /**
   * Whether the other pages keep the conversation's state for a page that reloads: its
   * presence carries its clock (so the returning page's clock starts past it), and the care
   * team tells a returning patient that the chat has ended. A hub does both itself.
   */
  readonly peersRemember: boolean;
}

/** Ephemeral mode: every page is a peer; presence is the peers' own heartbeats. */
export const peerDelivery: Delivery = Object.freeze({
  kind: 'peer',
  isOwnHistory: () => false,
  isForMe: (frame: ErrorFrame, me: string) => frame.to === me,
  hasExpired: (silentMs: number, heartbeatMs: number) => silentMs > heartbeatMs * 3,
  // A message waits until someone is there to take it, so that it leaves with a clock past
  // everything that side has seen (their presence told us their clock).
  mayHandOff: (counterpartPresent: boolean) => counterpartPresent,
  statusOnHandOff: 'sent',
  compare: byClock,
  peersRemember: true,
} satisfies Delivery);

/** Hub mode: the hub stores (sent = stored), orders by its `seq`, and its presence is authoritative. */
export const hubDelivery: Delivery = Object.freeze({
  kind: 'hub',
  // My own stored messages come back on resume (after a reload) and from my other devices.
  isOwnHistory: (frame: Frame, awaitingChunks: boolean) =>
    (frame.type === 'message' && frame.seq !== undefined) || (frame.type === 'chunk' && awaitingChunks),
  // The hub addresses its errors to this socket only.
  isForMe: (frame: ErrorFrame, me: string) => frame.to === me || frame.to === undefined,
  hasExpired: () => false,
  mayHandOff: () => true,
  statusOnHandOff: 'sending',
  compare: (a: ChatMessage, b: ChatMessage) => (a.seq !== undefined && b.seq !== undefined ? a.seq - b.seq : byClock(a, b)),
  peersRemember: false,
} satisfies Delivery);

export function deliveryFor(transport: Transport): Delivery {
  return transport.kind === 'hub' ? hubDelivery : peerDelivery;
}

function byClock(a: ChatMessage, b: ChatMessage): number {
  return a.clock - b.clock || (a.from.id < b.from.id ? -1 : a.from.id > b.from.id ? 1 : 0);
}

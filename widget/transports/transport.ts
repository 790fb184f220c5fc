// The transport contract: a transport only moves frames. It decodes and validates what
// arrives (a bad frame becomes a typed error for the core, never an exception) and
// reports whether it can send. The core never knows which transport it has.
import type { Frame, OutgoingFrame, ProtocolError } from '../../protocol/index.js';

export type TransportStatus = 'connecting' | 'up' | 'down';

export interface TransportSink {
  frame(frame: Frame): void;
  /** A frame arrived that could not be accepted; nothing else happened. */
  error(error: ProtocolError): void;
  status(status: TransportStatus): void;
}

export interface Transport {
  /**
   * `peer` (default): frames go straight to other devices; a message is *sent* once the transport
   * takes it, and presence is the peers' own heartbeats. `hub`: a server stores messages and acks
   * them (*sent* = stored), and its presence frames are authoritative (no heartbeat expiry).
   */
  readonly kind?: 'peer' | 'hub';
  /** Starts delivering to `sink`. Called once by the core. */
  open(sink: TransportSink): void;
  /** Sends one frame now; false when the transport cannot (down). The core keeps what it must retry. */
  send(frame: OutgoingFrame): boolean;
  close(): void;
}

// Shared receive path for transports: decode, validate, hand to the sink; never throw.
import { decodeFrame } from '../../protocol/index.js';
import type { TransportSink } from './transport.js';

export function deliver(sink: TransportSink | undefined, data: unknown): void {
  if (!sink) return;
  const text = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : data;
  const result = decodeFrame(text);
  if (result.ok) sink.frame(result.frame);
  else sink.error(result.error);
}

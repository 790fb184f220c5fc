// Whole <clinic-chat> elements for browser tests: one on a room, and the usual pair (a
// provider with a patient's chat open) that several tests start from.
import { waitUntil } from '@open-wc/testing';
import type { Retention } from '../core/types.js';
import type { ClinicChat } from '../elements/clinic-chat/clinic-chat.js';
import '../define.js';

/** Appends a <clinic-chat> on `room` (visit `visit-1`) to `container`. */
export function addClinicChat(
  container: HTMLElement,
  room: string,
  role: 'provider' | 'patient',
  id: string,
  name: string,
  opts: { retention?: Retention } = {},
): ClinicChat {
  const el = document.createElement('clinic-chat') as ClinicChat;
  el.chatRole = role;
  el.room = room;
  el.me = { id, name };
  el.visit = 'visit-1';
  if (opts.retention) el.retention = opts.retention;
  container.append(el);
  return el;
}

/** Dr Lee and Ana on `room` in `container`, once each sees the other, with Ana's chat open on the provider's side. */
export async function providerWithAnaOpen(container: HTMLElement, room: string): Promise<{ provider: ClinicChat; patient: ClinicChat }> {
  const provider = addClinicChat(container, room, 'provider', 'dr-lee', 'Dr Lee');
  const patient = addClinicChat(container, room, 'patient', 'ana', 'Ana');
  await waitUntil(() => provider.state?.threads.length === 1, 'the patient did not join the queue');
  await waitUntil(() => patient.state?.threads[0].present, 'the patient did not see the provider');
  await provider.open('ana');
  return { provider, patient };
}

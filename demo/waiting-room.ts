// The patient's virtual waiting room. Who this tab is comes from the URL; the chat joins
// the "demo" room over BroadcastChannel, where the clinician page lists it in its queue, or,
// with ?hub=1, connects to the hub as that patient with a development token.
import type { ClinicChat } from '../widget/index.js';
import { hubModeRequested, useHub } from './hub-mode.js';
import { idParam, keepInUrl, patientFromUrl } from './identity.js';

const params = new URLSearchParams(location.search);
const patient = patientFromUrl(params);
const visit = idParam(params, 'visit') ?? `visit-${patient.id}`;
const hubMode = hubModeRequested(params);

keepInUrl({ ...(hubMode && { hub: '1' }), id: patient.id, name: patient.name, visit });

const chat = document.querySelector('clinic-chat') as ClinicChat;
// Set before the element is defined, so it starts once, already as this patient.
chat.setAttribute('me', JSON.stringify(patient));
chat.setAttribute('visit', visit);

byId('patient-name').textContent = patient.name;
byId('visit-id').textContent = visit;
(byId('rename-id') as HTMLInputElement).value = patient.id;
(byId('rename-visit') as HTMLInputElement).value = visit;
(byId('rename-name') as HTMLInputElement).value = patient.name;

const status = byId('queue-status');
chat.addEventListener('clinic-chat-message', (event) => {
  const { message } = event.detail;
  if (!message.mine) status.textContent = `${message.from.name} from the care team has answered you in the chat.`;
});
chat.addEventListener('clinic-chat-ended', () => {
  byId('queue-title').textContent = 'Your chat has ended';
  status.textContent = 'The care team has ended this chat. Thank you for waiting with us.';
});

if (hubMode) {
  (byId('rename-hub') as HTMLInputElement).disabled = false;
  byId('rename-hint').textContent = 'The hub keeps your chat: rejoining or reloading brings it back.';
}

if (!hubMode || (await useHub(chat, { sub: patient.id, name: patient.name, role: 'patient', visit }))) {
  await import('../widget/define.js');
}

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`waiting-room.html has no #${id}`);
  return element;
}

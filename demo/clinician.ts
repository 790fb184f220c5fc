// The clinician page: the element does the queue, badges and notifications; the page only
// offers the retention setting and shows the unread total in the tab title, where a
// clinician working in another tab still sees it. With ?hub=1 the chat connects to the hub as
// Dr. Lee with a development token, and the queue comes from the hub's presence.
import type { ClinicChat } from '../widget/index.js';
import { hubModeRequested, useHub } from './hub-mode.js';
import { CLINICIAN } from './identity.js';

const chat = document.querySelector('clinic-chat') as ClinicChat;
const retention = document.getElementById('retention') as HTMLSelectElement;
const baseTitle = document.title;
const hubMode = hubModeRequested(new URLSearchParams(location.search));

// Retention is an ephemeral-mode setting: through the hub, conversations are stored.
document.getElementById('retention-field')!.hidden = hubMode;
retention.value = chat.getAttribute('retention') ?? 'session';
retention.addEventListener('change', () => {
  chat.setAttribute('retention', retention.value);
});

chat.addEventListener('clinic-chat-unread', (event) => {
  const { total } = event.detail;
  document.title = total > 0 ? `(${total}) ${baseTitle}` : baseTitle;
});

if (!hubMode || (await useHub(chat, { sub: CLINICIAN.id, name: CLINICIAN.name, role: 'staff' }))) {
  await import('../widget/define.js');
}

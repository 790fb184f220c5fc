// The clinician page: the element does the queue, badges and notifications; the page only
// offers the retention setting and shows the unread total in the tab title, where a
// clinician working in another tab still sees it.
import '../widget/define.js';
import type { ClinicChat } from '../widget/index.js';

const chat = document.querySelector('clinic-chat') as ClinicChat;
const retention = document.getElementById('retention') as HTMLSelectElement;
const baseTitle = document.title;

retention.value = chat.getAttribute('retention') ?? 'session';
retention.addEventListener('change', () => {
  chat.setAttribute('retention', retention.value);
});

chat.addEventListener('clinic-chat-unread', (event) => {
  const { total } = event.detail;
  document.title = total > 0 ? `(${total}) ${baseTitle}` : baseTitle;
});

// The shared inbox page (`npm run start:hub`): <clinic-chat-inbox> as one of the demo clinic's
// staff members (`?as=dr-lee`, `nurse-kim` or `sam-desk`), with a development token. The
// clinic is seeded on the hub's first start (demo/seed-clinic.ts).
import { useHub } from './hub-mode.js';
import { DEMO_STAFF_PAGES } from './identity.js';

const params = new URLSearchParams(location.search);
const as = DEMO_STAFF_PAGES.find((s) => s.id === params.get('as')) ?? DEMO_STAFF_PAGES[0];
const inbox = document.querySelector('clinic-chat-inbox') as HTMLElement & { hub?: string; getToken?: () => string | Promise<string> };
const picker = document.getElementById('as') as HTMLSelectElement;

document.getElementById('who')!.textContent = as.name;
document.title = `${as.name} · Inbox · Northside Virtual Clinic`;
for (const s of DEMO_STAFF_PAGES) picker.add(new Option(s.name, s.id, s.id === as.id, s.id === as.id));
picker.addEventListener('change', () => {
  location.search = `?as=${encodeURIComponent(picker.value)}`;
});
// Inside the side-by-side page the toolbar's link would nest pages: hide it there.
if (window.top !== window) document.getElementById('pair')!.hidden = true;

if (await useHub(inbox, { sub: as.id, name: as.name, role: as.role })) {
  await import('../widget/define-inbox.js');
}

// Hub mode for the demo's pages (`?hub=1`, served by `npm run start:hub`): the chat connects to
// the hub with development tokens that the demo server signs for whoever the page says it is.
// Each page says so plainly; nothing is kept in the browser (tokens live in memory only).

export const DEV_TOKEN_NOTICE = 'Development tokens minted by the demo server — a real vendor signs tokens in its own backend.';

/** Who the page asks a token for. In a real deployment the vendor's backend decides this from its own sign-in. */
export interface DevIdentity {
  sub: string;
  name: string;
  role: string;
  visit?: string;
}

/** What hub mode sets on an element: <clinic-chat> and <clinic-chat-inbox> both take these. */
export interface HubClient {
  hub?: string;
  getToken?: () => string | Promise<string>;
}

export function hubModeRequested(params: URLSearchParams): boolean {
  return params.get('hub') === '1';
}

/**
 * Shows the development notice and points the chat at the hub, with a `getToken` that asks the
 * demo server for a fresh token each time. Call it before the element is defined, so it starts
 * once, in hub mode. False (and says why on the page) when this server runs without a hub.
 */
export async function useHub(chat: HubClient, who: DevIdentity): Promise<boolean> {
  const notice = showNotice(DEV_TOKEN_NOTICE);
  document.querySelector('.demo-flag')!.textContent = 'Demo: development tokens, messages kept by the hub';
  const response = await fetch('/dev/hub.json', { cache: 'no-store' });
  if (!response.ok) {
    notice.textContent = 'This page asked for hub mode, but the server runs without a hub. Start it with: npm run start:hub';
    return false;
  }
  const { url } = (await response.json()) as { url: string };
  chat.hub = url;
  chat.getToken = () => devToken(who);
  return true;
}

async function devToken(who: DevIdentity): Promise<string> {
  const query = new URLSearchParams({ sub: who.sub, name: who.name, role: who.role, ...(who.visit && { visit: who.visit }) });
  const response = await fetch(`/dev/token?${query}`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`the demo server refused a token (${response.status})`);
  return ((await response.json()) as { token: string }).token;
}

function showNotice(text: string): HTMLElement {
  const notice = document.createElement('p');
  notice.className = 'dev-notice';
  notice.setAttribute('role', 'note');
  notice.textContent = text;
  document.querySelector('.site-header')!.after(notice);
  return notice;
}

// What the demo's end-to-end tests share: the checks every page must pass, and locators by
// role and label for the chat's parts.
import type { Locator, Page } from 'playwright-core';

/** How long the UI may take to show what another tab did (presence expiry is the slowest: 15 s). */
export const SETTLE = { timeout: 20_000, interval: 100 };

/**
 * Collects what a page reports as broken: uncaught exceptions and console errors. A resource
 * refused by the Content-Security-Policy is a console error too, so an empty list also means
 * the page works under the demo's strict policy.
 */
export function watchProblems(page: Page, problems: string[]): void {
  const where = () => new URL(page.url()).pathname;
  page.on('pageerror', (error) => problems.push(`${where()}: uncaught ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${where()}: console error ${message.text()}`);
  });
}

/** Everything a page could have left behind in the browser. */
export function storedState(page: Page) {
  return page.evaluate(async () => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    cookie: document.cookie,
    indexedDB: (await indexedDB.databases()).map((db) => db.name),
    cacheStorage: await caches.keys(),
  }));
}

export const NOTHING_STORED = { localStorage: 0, sessionStorage: 0, cookie: '', indexedDB: [], cacheStorage: [] };

// Locators by role and label, as a user finds things; Playwright pierces open shadow roots.

export function messageBox(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message' });
}

export function sendButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Send', exact: true });
}

/** A patient's entry in the clinician's queue: its accessible name starts with the patient's name. */
export function queueItem(page: Page, patientName: string): Locator {
  return page.getByRole('button', { name: new RegExp(`^${patientName}`) });
}

export function badgeOf(item: Locator): Locator {
  return item.locator('[part~="badge"]');
}

export function messageList(page: Page): Locator {
  return page.locator('clinic-chat [part~="messages"]');
}

/** One message in the chat box, found by its text. */
export function chatMessage(page: Page, text: string): Locator {
  return page.locator('clinic-chat [part~="message"]').filter({ hasText: text });
}

/** Types a message and sends it with Enter, as a patient on a keyboard would. */
export async function writeAndPressEnter(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

/** Types a message and clicks Send. */
export async function writeAndClickSend(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await sendButton(page).click();
}

/** The text of a locator, or '' while it is not there (for polling). */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.count()) ? ((await locator.first().textContent()) ?? '') : '';
}

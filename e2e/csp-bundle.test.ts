// The single-file bundle, embedded with one script tag in a plain page served with a strict
// Content-Security-Policy (no 'unsafe-inline', no 'unsafe-eval'), renders and chats.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const FILES: Record<string, [string, string]> = {
  '/': ['e2e/fixtures/csp-page.html', 'text/html; charset=utf-8'],
  '/csp-page.js': ['e2e/fixtures/csp-page.js', 'text/javascript'],
  '/clinic-chat.bundle.js': ['dist/clinic-chat.bundle.js', 'text/javascript'],
};

let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const file = FILES[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[1], 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' });
    res.end(await readFile(file[0]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('single-file bundle under a strict CSP', () => {
  it('renders, chats, opens an image and a PDF, and causes no CSP violation', async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && refused.push(m.text()));
    await page.goto(url);
    const provider = page.locator('clinic-chat[chat-role="provider"]');
    const patient = page.locator('clinic-chat[chat-role="patient"]');
    await provider.getByRole('button', { name: /^Pat CSP/ }).waitFor();
    await patient.getByRole('textbox', { name: 'Message' }).fill('hello under CSP');
    await patient.getByRole('textbox', { name: 'Message' }).press('Enter');
    await provider.getByRole('button', { name: /^Pat CSP, 1 unread/ }).click();
    await expect(provider.locator('[part~="message"]').first().innerText()).resolves.toContain('hello under CSP');
    await expect(patient.locator('[part~="delivery"]').first().innerText()).resolves.toBe('Read');
    // An image opens full size in the viewer, a PDF in a new tab: blob: URLs, no inline style or script.
    await patient.locator('input[type=file]').setInputFiles([
      { name: 'dot.png', mimeType: 'image/png', buffer: PNG },
      { name: 'results.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
    ]);
    await patient.getByRole('button', { name: 'Send' }).click();
    await provider.getByRole('button', { name: 'Image: dot.png' }).click();
    const viewer = provider.getByRole('dialog', { name: 'dot.png' });
    await expect(viewer.locator('[part~="image-viewer-image"]').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).resolves.toBe(1);
    await viewer.getByRole('button', { name: 'Close' }).click();
    await viewer.waitFor({ state: 'detached' });
    const pdf = provider.locator('a[part~="attachment"]', { hasText: 'results.pdf' });
    await expect(pdf.getAttribute('target')).resolves.toBe('_blank');
    await expect(pdf.getAttribute('download')).resolves.toBe(null);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });
});

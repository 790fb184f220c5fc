// The demo site in hub mode for an e2e file: a real hub on a SQLite file in a fresh folder, the
// demo server in front of it, the dev org (optionally the seeded clinic) and one Chromium, all
// started before the file's tests and stopped after. Pages open in their own browser contexts,
// so only the hub connects them; what they report as broken is collected in `problems`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { DEV_ORG, ensureDevOrg, mintDevToken } from '../demo/dev-hub.js';
import { seedDemoClinic } from '../demo/seed-clinic.js';
import { startDemo, type DemoServer } from '../demo/serve.mjs';
import { createHub, type Hub, type HubOptions } from '../hub/hub.js';
import { launchChromium } from './browser.js';
import { watchProblems } from './support.js';

export interface DemoClinic {
  readonly hub: Hub;
  readonly demo: DemoServer;
  readonly browser: Browser;
  readonly problems: string[];
  /** A page of the demo site (a path below its root) in a browser context of its own. */
  page(path: string, width?: number, height?: number): Promise<Page>;
}

export interface DemoClinicOptions {
  /** The seeded clinic (demo/seed-clinic.ts); default true. */
  seed?: boolean;
  /** More hub options (SMTP, say), asked for once the file starts. */
  hub?: () => Partial<HubOptions> | Promise<Partial<HubOptions>>;
  /** Runs once the hub is up and seeded, before the browser starts. */
  prepare?: (hub: Hub) => Promise<void>;
}

export function demoClinicPerFile(options: DemoClinicOptions = {}): DemoClinic {
  let hub: Hub | undefined;
  let demo: DemoServer | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clinic-chat-e2e-'));
    hub = await createHub({ port: 0, dataDir, logLevel: 'silent', ...(await options.hub?.()) });
    demo = await startDemo({ port: 0, hub: { wsUrl: hub.wsUrl, mintToken: mintDevToken } });
    await ensureDevOrg(hub.ctx, new URL(demo.url).origin);
    if (options.seed !== false) await seedDemoClinic(hub.ctx, DEV_ORG.id);
    await options.prepare?.(hub);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await hub?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the demo clinic's ${what} is not started yet`);
    return value;
  };
  return {
    get hub() {
      return started(hub, 'hub');
    },
    get demo() {
      return started(demo, 'demo server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    problems,
    async page(path, width = 1280, height = 800) {
      const p = await (await started(browser, 'browser').newContext({ viewport: { width, height } })).newPage();
      watchProblems(p, problems);
      await p.goto(`${started(demo, 'demo server').url}${path}`);
      return p;
    },
  };
}

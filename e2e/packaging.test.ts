// Both packages as a vendor gets them: `npm pack` the widget and the hub, install the two
// tarballs into a fresh folder from the registry, then check what that folder sees — one Lit,
// types that compile under --strict without skipLibCheck, a hub that starts from its bin and
// answers /health, and tarballs that carry what they should and nothing else.
// Needs `npm run build` first (npm test runs it before the e2e project).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const INSTALL_TIMEOUT = 15 * 60_000; // better-sqlite3 may compile from source (a minute or more)

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without what an enclosing `npm run`/`npm test` sets for its own package. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'));
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

async function mustRun(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function pack(dir: string, destination: string): Promise<PackResult> {
  const out = await mustRun('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], dir);
  const [result] = JSON.parse(out) as PackResult[];
  return result!;
}

/** Every file under a folder, as paths relative to it with forward slashes. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter((file) => !file.startsWith('node_modules/'));
}

/** Every string target of a package.json `exports`/`main`/`types`/`bin`. */
function targets(manifest: Record<string, unknown>): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') found.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk([manifest.main, manifest.module, manifest.types, manifest.bin, manifest.exports]);
  return found.map((target) => posix.normalize(target));
}

let temp: string;
let consumer: string;
let widgetPack: PackResult;
let hubPack: PackResult;
let hub: ChildProcess | undefined;

beforeAll(async () => {
  for (const built of ['dist/lib/index.js', 'dist/clinic-chat.bundle.js', 'dist/types/widget/index.d.ts', 'hub/dist/hub/bin.js']) {
    if (!existsSync(join(REPO, built))) throw new Error(`${built} is missing: run npm run build first`);
  }
  temp = await mkdtemp(join(tmpdir(), 'clinic-chat-packaging-'));
  const tarballs = join(temp, 'tarballs');
  consumer = join(temp, 'consumer');
  await mkdir(tarballs);
  await mkdir(consumer);
  widgetPack = await pack(REPO, tarballs);
  hubPack = await pack(join(REPO, 'hub'), tarballs);
  // better-sqlite3 builds its native addon in an install script. npm 11 still runs unreviewed
  // install scripts (and lists them); a later npm blocks them, so the vendor allows this one.
  await writeFile(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'vendor-app', version: '1.0.0', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`,
  );
  await mustRun(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tarballs, widgetPack.filename), join(tarballs, hubPack.filename)],
    consumer,
  );
}, INSTALL_TIMEOUT);

afterAll(async () => {
  if (hub && hub.exitCode === null) hub.kill('SIGKILL');
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe('the packed packages in a fresh consumer', () => {
  it('installs exactly one copy of lit, in the caret range', async () => {
    const out = await mustRun('npm', ['ls', 'lit', '--all', '--parseable'], consumer);
    const copies = out.split('\n').filter((line) => /[\\/]node_modules[\\/]lit$/.test(line.trim()));
    expect(copies).toEqual([join(consumer, 'node_modules', 'lit')]);
    const lit = JSON.parse(await readFile(join(consumer, 'node_modules/lit/package.json'), 'utf8')) as { version: string };
    expect(lit.version).toMatch(/^3\./);
  });

  it('type-checks a consumer of every entry under --strict, without skipLibCheck', async () => {
    await writeFile(
      join(consumer, 'consumer.ts'),
      `import { ClinicChat, PortTransport, ProtocolError, type ClinicChatEventMap } from 'clinic-chat';
import 'clinic-chat/define';
import * as bundle from 'clinic-chat/bundle';
import { decodeFrame, encodeFrame, type Frame, type MessageFrame } from 'clinic-chat/protocol';
import { CLOSE, createHub, type Hub, type HubOptions } from 'clinic-chat-hub';

const element: HTMLElementTagNameMap['clinic-chat'] | null = document.querySelector('clinic-chat');
const chat: ClinicChat | null = element;
const fromBundle: typeof ClinicChat = bundle.ClinicChat;
const onEnded = (detail: ClinicChatEventMap['clinic-chat-ended']): string => detail.thread;
const wire: string = encodeFrame({ type: 'ping' });
const decoded = decodeFrame(wire);
const frame: Frame | undefined = decoded.ok ? decoded.frame : undefined;
const kind: MessageFrame['type'] = 'message';
const refused = new ProtocolError('too-large', 'the file is too large');
const options: HubOptions = { port: 0, ephemeral: true, logLevel: 'silent' };
const start: (options?: HubOptions) => Promise<Hub> = createHub;
const restart: 1012 = CLOSE.restart;
export { chat, fromBundle, onEnded, frame, kind, refused, options, start, restart, PortTransport };
`,
    );
    const result = await run(
      process.execPath,
      [TSC, '--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'consumer.ts'],
      consumer,
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 180_000);

  it('runs in Node: the hub and the protocol entry import', async () => {
    const out = await mustRun(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const hub = await import('clinic-chat-hub');
const protocol = await import('clinic-chat/protocol');
const manifests = [await import('clinic-chat/package.json', { with: { type: 'json' } }), await import('clinic-chat-hub/package.json', { with: { type: 'json' } })];
console.log(JSON.stringify({ createHub: typeof hub.createHub, restart: hub.CLOSE.restart, decoded: protocol.decodeFrame(protocol.encodeFrame({ type: 'ping' })).ok, names: manifests.map((m) => m.default.name) }));`,
      ],
      consumer,
    );
    expect(JSON.parse(out)).toEqual({ createHub: 'function', restart: 1012, decoded: true, names: ['clinic-chat', 'clinic-chat-hub'] });
  });

  it('starts the hub from node_modules/.bin in relay mode and answers GET /health', async () => {
    const child = spawn(process.execPath, [join(consumer, 'node_modules/.bin/clinic-chat-hub'), '--ephemeral', '--port', '0', '--log-level', 'warn'], {
      cwd: consumer,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    hub = child;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 20 s\n${stderr}`)), 20_000);
      child.once('exit', (code) => reject(new Error(`the hub exited ${code}\n${stderr}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.includes('"listening"')) return;
        clearTimeout(timer);
        resolveUrl((JSON.parse(line) as { url: string }).url);
      });
    });
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, mode: 'relay', database: 'up' });
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Relay mode writes nothing: no ./data appeared in the consumer.
    expect(existsSync(join(consumer, 'data'))).toBe(false);
  }, 60_000);

  it('packs what a vendor needs and nothing else', async () => {
    for (const packed of [widgetPack, hubPack]) {
      const files = packed.files.map((file) => file.path);
      expect(files, packed.name).toContain('LICENSE');
      expect(files, packed.name).toContain('README.md');
      expect(files, packed.name).toContain('package.json');
      const unwanted = files.filter((file) => /(^|\/)\.env|\.test\.|\.spec\.|(^|\/)(testing|fixtures|node_modules)\/|\.tsbuildinfo$|(^|\/)\.DS_Store$/.test(file));
      expect(unwanted, packed.name).toEqual([]);
      const dir = join(consumer, 'node_modules', packed.name);
      const installed = await listFiles(dir);
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      // main, types, bin and every export point at shipped files.
      const missing = targets(manifest).filter((target) => !installed.includes(target));
      expect(missing, packed.name).toEqual([]);
      for (const file of installed) {
        if (file.endsWith('.js')) {
          const source = await readFile(join(dir, file), 'utf8');
          // Every relative import (the hub's copy of protocol/ included) is in the tarball.
          for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
            expect(installed, `${packed.name}/${file} imports ${specifier}`).toContain(posix.join(posix.dirname(file), specifier!));
          }
          const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(source)?.[1];
          if (map) expect(installed, `${packed.name}/${file}`).toContain(posix.join(posix.dirname(file), map));
        }
        if (file.endsWith('.map')) {
          // A source map is self-contained and names no path outside the package.
          const parsed = JSON.parse(await readFile(join(dir, file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
          parsed.sources.forEach((source, i) => {
            expect(isAbsolute(source) || /^[a-z]+:/i.test(source), `${file}: ${source}`).toBe(false);
            expect(relative(dir, resolve(dirname(join(dir, file)), source)).startsWith('..'), `${file}: ${source}`).toBe(false);
            expect(typeof parsed.sourcesContent?.[i], `${file}: ${source}`).toBe('string');
          });
        }
      }
    }
    expect(hubPack.files.map((file) => file.path)).toContain('dist/protocol/index.js');
  }, 60_000);
});

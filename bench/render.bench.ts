// Render bench: how long <clinic-chat-box> takes to show one incoming message and one typing
// frame in a long thread, in real Chromium. Prints a Markdown table; asserts nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { launchChromium } from '../e2e/browser.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000' },
    reps: { type: 'string', default: '30' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const reps = Number(values.reps);

const bundle = await build({
  entryPoints: [new URL('./render/page.ts', import.meta.url).pathname],
  bundle: true,
  write: false,
  format: 'esm',
  target: 'es2022',
  tsconfig: new URL('../tsconfig.json', import.meta.url).pathname,
  conditions: ['browser', 'production'],
});
const script = bundle.outputFiles[0].text;
const page = `<!doctype html><meta charset="utf-8"><body><script type="module" src="/page.js"></script>`;

const server = createServer((req, res) => {
  const js = req.url === '/page.js';
  res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
  res.end(js ? script : page);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await launchChromium();
try {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await tab.waitForFunction(() => typeof window.renderBench === 'function');
  const results = await tab.evaluate(([s, r]) => window.renderBench(s, r), [sizes, reps] as const);
  console.log(`| messages in thread | rows in the DOM | ms per incoming message | ms per typing frame |`);
  console.log(`|---:|---:|---:|---:|`);
  for (const r of results) {
    console.log(`| ${r.size.toLocaleString('en')} | ${r.rows.toLocaleString('en')} | ${r.message.toFixed(2)} | ${r.typing.toFixed(2)} |`);
  }
  console.log(`\nMedian of ${reps} repetitions, from the core's frame to the box's finished render (updateComplete).`);
} finally {
  await browser.close();
  server.close();
}

// In-page half of the render bench: a provider's box on one patient's thread, filled through
// real cores over the in-memory bus, timed from the core's frame to the box's finished render.
import { encodeFrame } from '../../protocol/index.js';
import { ClinicChatBox } from '../../widget/elements/clinic-chat-box/clinic-chat-box.js';
import { filledThread } from '../../widget/testing/filled-thread.js';

ClinicChatBox.define();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Fills a thread with `size` messages and returns the median ms per incoming message and per typing frame. */
async function run(size: number, reps: number): Promise<{ size: number; rows: number; message: number; typing: number }> {
  const { bus, provider, patient, stop } = await filledThread(size, (i) => `message ${i}: see https://example.org/page/${i} for details`);
  const box = document.createElement('clinic-chat-box') as ClinicChatBox;
  // The box's own flex layout, at a height: its log is the scroll container, as in <clinic-chat>.
  box.style.cssText = 'height:600px';
  const show = () => {
    box.core = provider;
    box.state = provider.state;
    box.thread = provider.state.threads.find((t) => t.id === 'ana');
  };
  show();
  const unsubscribe = provider.subscribe(show);
  document.body.append(box);
  await box.updateComplete;

  const message: number[] = [];
  const typing: number[] = [];
  for (let i = 0; i < reps; i++) {
    const sent = patient.send(`incoming ${i}`);
    await sent;
    let t0 = performance.now();
    bus.flush();
    await box.updateComplete;
    message.push(performance.now() - t0);

    t0 = performance.now();
    bus.inject(encodeFrame({ type: 'typing', from: 'ana', thread: 'ana', active: i % 2 === 0 }));
    await box.updateComplete;
    typing.push(performance.now() - t0);
  }
  const rows = box.shadowRoot!.querySelectorAll('[part~="message"]').length;
  unsubscribe();
  box.remove();
  stop();
  return { size, rows, message: median(message), typing: median(typing) };
}

declare global {
  interface Window {
    renderBench(sizes: number[], reps: number): Promise<Array<{ size: number; rows: number; message: number; typing: number }>>;
  }
}

window.renderBench = async (sizes, reps) => {
  const results = [];
  for (const size of sizes) results.push(await run(size, reps));
  return results;
};

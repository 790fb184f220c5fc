// A provider and a patient over the in-memory bus with a thread of `size` messages (every third
// the provider's), through real cores: the long-thread browser tests and the render bench start
// from it. Test-only.
import { ChatCore } from '../core/chat-core.js';
import { MemoryBus } from './memory-bus.js';

export interface FilledThread {
  bus: MemoryBus;
  provider: ChatCore;
  patient: ChatCore;
  stop(): void;
}

/** Ana's thread with Dr Lee, open on his side, holding `size` messages `text(i)`. */
export async function filledThread(size: number, text = (i: number) => `message ${i}`): Promise<FilledThread> {
  const bus = new MemoryBus();
  const provider = new ChatCore({ me: { id: 'dr-lee', name: 'Dr Lee', role: 'provider' }, transport: bus.transport(), visit: 'v' });
  const patient = new ChatCore({ me: { id: 'ana', name: 'Ana Silva', role: 'patient' }, transport: bus.transport(), visit: 'v' });
  provider.start();
  patient.start();
  bus.flush();
  provider.open('ana');
  bus.flush();
  for (let i = 0; i < size; i++) {
    await (i % 3 === 0 ? provider : patient).send(text(i));
    bus.flush();
  }
  return {
    bus,
    provider,
    patient,
    stop() {
      provider.stop();
      patient.stop();
    },
  };
}

// Watches what a browser test's code leaves behind: listeners on window and document,
// BroadcastChannels and WebSockets not closed, intervals not cleared, and timeouts that fire
// after a moment the test marks (its last disconnect). Test-only; not part of the package.

type Listener = EventListenerOrEventListenerObject;

export interface LeakWatch {
  /** Listeners added to window or document while watching and not removed since, as `target:type`. */
  listeners(): string[];
  /** Channels opened while watching and still open. */
  openChannels(): number;
  openSockets(): number;
  /** Sockets constructed while watching. */
  socketsMade(): number;
  /** Intervals set while watching and not cleared. */
  liveIntervals(): number;
  /** From now on, a timeout callback set while watching counts as firing too late. */
  markDisconnected(): void;
  /** Timeout and interval callbacks that ran after `markDisconnected()`. */
  firedAfterDisconnect(): number;
  /** Puts every original back. */
  restore(): void;
}

export function watchLeaks(): LeakWatch {
  const undo: Array<() => void> = [];
  const live = new Map<string, Set<Listener>>();
  for (const [name, target] of [
    ['window', window],
    ['document', document],
  ] as const) {
    const add = target.addEventListener;
    const remove = target.removeEventListener;
    target.addEventListener = function (type: string, listener: Listener | null, options?: boolean | AddEventListenerOptions) {
      if (listener) {
        const key = `${name}:${type}`;
        if (!live.has(key)) live.set(key, new Set());
        live.get(key)!.add(listener);
        if (typeof options === 'object' && options.signal) options.signal.addEventListener('abort', () => live.get(key)?.delete(listener));
      }
      return add.call(this, type, listener as Listener, options);
    };
    target.removeEventListener = function (type: string, listener: Listener | null, options?: boolean | EventListenerOptions) {
      if (listener) live.get(`${name}:${type}`)?.delete(listener);
      return remove.call(this, type, listener as Listener, options);
    };
    undo.push(() => {
      target.addEventListener = add;
      target.removeEventListener = remove;
    });
  }

  const channels = new Set<BroadcastChannel>();
  const NativeChannel = window.BroadcastChannel;
  window.BroadcastChannel = class extends NativeChannel {
    constructor(name: string) {
      super(name);
      channels.add(this);
    }
    override close(): void {
      channels.delete(this);
      super.close();
    }
  };
  undo.push(() => (window.BroadcastChannel = NativeChannel));

  const sockets = new Set<WebSocket>();
  let socketsMade = 0;
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      socketsMade++;
      sockets.add(this);
      this.addEventListener('close', () => sockets.delete(this));
    }
    override close(code?: number, reason?: string): void {
      sockets.delete(this);
      super.close(code, reason);
    }
  } as typeof WebSocket;
  undo.push(() => (window.WebSocket = NativeSocket));

  let disconnected = false;
  let late = 0;
  const intervals = new Set<number>();
  const { setTimeout: st, setInterval: si, clearInterval: ci } = window;
  const guard = (handler: TimerHandler) => (...args: unknown[]) => {
    if (disconnected) late++;
    if (typeof handler === 'function') (handler as (...a: unknown[]) => void)(...args);
  };
  window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => st(guard(handler), ms, ...args)) as typeof setTimeout;
  window.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = si(guard(handler), ms, ...args);
    intervals.add(id);
    return id;
  }) as typeof setInterval;
  window.clearInterval = ((id?: number) => {
    if (id !== undefined) intervals.delete(id);
    ci(id);
  }) as typeof clearInterval;
  undo.push(() => Object.assign(window, { setTimeout: st, setInterval: si, clearInterval: ci }));

  return {
    listeners: () => [...live].flatMap(([key, set]) => [...set].map(() => key)),
    openChannels: () => channels.size,
    openSockets: () => sockets.size,
    socketsMade: () => socketsMade,
    liveIntervals: () => intervals.size,
    markDisconnected: () => (disconnected = true),
    firedAfterDisconnect: () => late,
    restore: () => undo.splice(0).reverse().forEach((fn) => fn()),
  };
}

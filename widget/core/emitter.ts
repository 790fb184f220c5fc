// A minimal typed event emitter: the core's events without depending on the DOM.

export class Emitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<(detail: never) => void>>();

  on<K extends keyof Events>(name: K, handler: (detail: Events[K]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as (detail: never) => void);
    return () => set.delete(handler as (detail: never) => void);
  }

  emit<K extends keyof Events>(name: K, detail: Events[K]): void {
    for (const handler of this.handlers.get(name) ?? []) (handler as (detail: Events[K]) => void)(detail);
  }
}

// The ordering clock of a page: a hybrid logical clock. It orders a reply after what it
// answers whatever the device clocks say (Lamport), and a page that reloads starts past its
// previous life because it starts from the wall clock, not from zero.

export class OrderingClock {
  private value = 0;
  private highestSeen = 0;

  /** The latest value: what this page has sent or seen. */
  get now(): number {
    return this.value;
  }

  /** The highest clock another page has shown us. */
  get witnessed(): number {
    return this.highestSeen;
  }

  /** A new event of ours: after everything seen here, and not before the wall clock. */
  next(): number {
    this.value = Math.max(this.value + 1, Date.now());
    return this.value;
  }

  /** Another page's clock, from a message or its presence. */
  witness(clock: number): void {
    this.highestSeen = Math.max(this.highestSeen, clock);
    this.value = Math.max(this.value, clock);
  }
}

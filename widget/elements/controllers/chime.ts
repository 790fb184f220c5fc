// The alert sound: a short two-tone chime made with Web Audio, so there is no sound file to host
// or to allow in the page's CSP. Shared by the chat's and the inbox's alerts.
export class Chime {
  private audio?: AudioContext;

  play(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      const gain = ctx.createGain();
      gain.connect(ctx.destination);
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      [880, 1320].forEach((frequency, i) => {
        const osc = ctx.createOscillator();
        osc.frequency.value = frequency;
        osc.connect(gain);
        osc.start(ctx.currentTime + i * 0.12);
        osc.stop(ctx.currentTime + 0.35);
      });
    } catch {
      // Audio can be unavailable (no device, autoplay policy); the visual badge still counts.
    }
  }

  close(): void {
    void this.audio?.close();
    this.audio = undefined;
  }
}

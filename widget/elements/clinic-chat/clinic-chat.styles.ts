import { css, unsafeCSS } from 'lit';

/** Where the patient's open chat covers the viewport (unless `fullscreen="never"`). */
export const NARROW_VIEWPORT = '(max-width: 480px)';

export const styles = css`
  /* container-type: inline-size makes the host's own content size zero, so in a flex row or
     any shrink-to-fit box it needs a width of its own: these defaults are overridable. */
  :host {
    display: block;
    container-type: inline-size;
    flex: 1 1 var(--clinic-chat-width, 360px);
    min-width: min(var(--clinic-chat-min-width, 280px), 100%);
    color: var(--_color);
    font-family: var(--_font);
    font-size: var(--_font-size);
    --_z-index: var(--clinic-chat-z-index, 1000);
  }
  :host([hidden]) {
    display: none;
  }
  [part~='layout'] {
    display: grid;
    grid-template-columns: minmax(200px, 280px) minmax(0, 1fr);
    gap: 12px;
    /* A fixed height (never taller than the viewport) so the log scrolls and the composer stays in view. */
    height: min(var(--_height), 100dvh);
  }
  [part~='layout'] > * {
    min-height: 0;
  }
  @container (max-width: 560px) {
    [part~='layout'] {
      grid-template-columns: minmax(0, 1fr);
      /* The queue takes what it needs up to 40% of the layout (a track percentage resolves
         against the layout's own height, unlike a max-height on the queue, which clipped it);
         the box gets the rest. */
      grid-template-rows: fit-content(40%) minmax(0, 1fr);
    }
  }
  .patient clinic-chat-box {
    height: min(var(--_height), 100dvh);
  }
  /* A phone: the open patient chat is the whole screen, its header (Minimize, Close) on top. */
  @media ${unsafeCSS(NARROW_VIEWPORT)} {
    :host(:not([fullscreen='never'])) .patient {
      position: fixed;
      inset: 0;
      z-index: var(--_z-index);
      padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);
      background: var(--_background);
    }
    :host(:not([fullscreen='never'])) .patient clinic-chat-box {
      height: 100%;
      border: none;
      border-radius: 0;
    }
    /* Touch-sized ways out. */
    :host(:not([fullscreen='never'])) .patient clinic-chat-box::part(minimize-button),
    :host(:not([fullscreen='never'])) .patient clinic-chat-box::part(close-button) {
      min-width: 44px;
      min-height: 44px;
    }
  }
  clinic-chat-box[minimized] {
    height: auto;
    align-self: start;
  }
  [part~='empty'] {
    display: grid;
    place-items: center;
    margin: 0;
    padding: 24px;
    border: 1px dashed var(--_border-color);
    border-radius: var(--_radius);
    color: var(--_muted-color);
    text-align: center;
  }
  .patient[hidden] {
    display: none;
  }
  /* Floating and compact whatever the heading (which is its tooltip). */
  [part~='launcher'] {
    position: fixed;
    inset: auto 16px 16px auto;
    z-index: var(--_z-index);
    display: inline-flex;
    align-items: center;
    gap: 8px;
    max-width: calc(100vw - 32px);
    min-height: 48px;
    padding: 0 18px 0 14px;
    white-space: nowrap;
    border: none;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-contrast);
    font-weight: 650;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
  }
`;

import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    container-type: inline-size;
    color: var(--_color);
    font-family: var(--_font);
    font-size: var(--_font-size);
  }
  :host([hidden]) {
    display: none;
  }
  [part~='layout'] {
    display: grid;
    grid-template-columns: minmax(200px, 280px) minmax(0, 1fr);
    gap: 12px;
    height: var(--_height);
  }
  [part~='layout'] > * {
    min-height: 0;
  }
  @container (max-width: 560px) {
    [part~='layout'] {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: auto minmax(0, 1fr);
      height: auto;
      min-height: var(--_height);
    }
    clinic-chat-queue {
      max-height: 220px;
    }
  }
  .patient clinic-chat-box {
    height: var(--_height);
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
  [part~='launcher'] {
    display: inline-flex;
    align-items: center;
    gap: 10px;
    min-height: 48px;
    padding: 0 18px;
    border: none;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-contrast);
    font-weight: 650;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
  }
`;

import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-width: 0;
    background: var(--_surface);
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 10px 12px;
    border-bottom: 1px solid var(--_border-color);
  }
  h2 {
    margin: 0;
    font-size: 1em;
  }
  [part~='notify-toggle'] {
    min-height: 32px;
    padding: 0 10px;
    border: 1px solid var(--_border-color);
    border-radius: 999px;
    background: var(--_background);
    font-size: 0.8em;
  }
  [part~='notify-toggle'][aria-pressed='true'] {
    background: var(--_accent);
    color: var(--_accent-contrast);
    border-color: var(--_accent);
  }
  ul {
    margin: 0;
    padding: 6px;
    list-style: none;
    overflow-y: auto;
  }
  li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
  }
  [part~='save-transcript'],
  [part~='dismiss-button'] {
    flex: none;
    display: grid;
    place-items: center;
    width: 44px;
    height: 44px;
    border: 0;
    border-radius: calc(var(--_radius) * 0.75);
    background: transparent;
    color: var(--_muted-color);
  }
  [part~='save-transcript-menu'] {
    flex-basis: 100%;
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 6px;
    padding: 4px 6px 8px;
  }
  [part~='save-transcript-menu'] button {
    min-height: 36px;
    padding: 0 12px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
    color: var(--_color);
    font-weight: 600;
  }
  [part~='queue-item'] {
    display: flex;
    align-items: center;
    gap: 8px;
    /* A zero basis: the row wraps only for the format choice, never for its own buttons. */
    flex: 1 1 0;
    min-width: 0;
    width: 100%;
    min-height: 44px;
    padding: 6px 10px;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius) * 0.75);
    background: transparent;
    text-align: start;
  }
  [part~='queue-item']:hover {
    border-color: var(--_border-color);
  }
  [part~='queue-item'][aria-current='true'] {
    background: var(--_background);
    border-color: var(--_accent);
  }
  .who {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
  }
  .name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='queue-status'] {
    color: var(--_muted-color);
    font-size: 0.8em;
  }
  [part~='queue-waiting'],
  [part~='queue-preview'] {
    color: var(--_muted-color);
    font-size: 0.8em;
  }
  [part~='queue-preview'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='queue-item'][data-present='false'] .name {
    color: var(--_muted-color);
  }
  .empty {
    padding: 12px;
    margin: 0;
    color: var(--_muted-color);
  }
`;

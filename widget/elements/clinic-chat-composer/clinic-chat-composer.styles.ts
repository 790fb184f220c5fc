import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    border-top: 1px solid var(--_border-color);
    background: var(--_background);
    padding: 8px;
  }
  .row {
    display: flex;
    align-items: flex-end;
    gap: 6px;
  }
  textarea {
    flex: 1;
    min-width: 0;
    min-height: 40px;
    max-height: 140px;
    resize: none;
    padding: 9px 10px;
    border: 1px solid var(--_border-color);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_background);
    field-sizing: content;
  }
  textarea:disabled {
    background: var(--_surface);
    color: var(--_muted-color);
  }
  button {
    min-width: 40px;
    min-height: 40px;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid var(--_border-color);
    background: var(--_surface);
    padding: 0 10px;
  }
  [part~='send-button'] {
    background: var(--_accent);
    color: var(--_accent-contrast);
    border-color: var(--_accent);
    font-weight: 600;
  }
  button:disabled {
    opacity: 0.55;
  }
  .files {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin: 0 0 6px;
    padding: 0;
    list-style: none;
  }
  [part~='file-chip'] {
    display: flex;
    align-items: center;
    gap: 6px;
    max-width: 100%;
    padding: 2px 2px 2px 6px;
    border: 1px solid var(--_border-color);
    border-radius: 999px;
    background: var(--_surface);
    font-size: 0.85em;
  }
  [part~='file-chip'] img {
    width: 24px;
    height: 24px;
    object-fit: cover;
    border-radius: 4px;
  }
  [part~='file-chip'] span {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='file-chip'] button {
    min-width: 28px;
    min-height: 28px;
    border: none;
    border-radius: 999px;
    background: transparent;
  }
  [part~='error'] {
    margin: 6px 2px 0;
    color: var(--_danger-color);
    font-size: 0.875em;
  }
  .hint {
    margin: 4px 2px 0;
    color: var(--_muted-color);
    font-size: 0.8em;
  }
  svg {
    width: 20px;
    height: 20px;
  }
  input[type='file'] {
    display: none;
  }
  /* Shared inbox: Reply / Internal note, and a note looks like a note before it is sent. */
  .modes {
    display: flex;
    gap: 4px;
    margin: 0 0 6px;
  }
  .modes button {
    min-height: 32px;
    font-size: 0.85em;
  }
  .modes button[aria-pressed='true'] {
    border-color: var(--_accent);
    color: var(--_accent);
    font-weight: 600;
  }
  .noting textarea {
    background: var(--_note-background);
    color: var(--_note-color);
  }
  .noting textarea::placeholder {
    color: var(--_note-color);
    opacity: 0.8;
  }
  [part~='mention-list'] {
    margin: 4px 0 0;
    padding: 4px;
    list-style: none;
    border: 1px solid var(--_border-color);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_background);
  }
  [part~='mention-option'] {
    padding: 6px 8px;
    border-radius: 6px;
    cursor: pointer;
  }
  [part~='mention-option-active'] {
    background: var(--_accent);
    color: var(--_accent-contrast);
  }
  [part~='mention-option'] .kind {
    font-size: 0.8em;
    opacity: 0.8;
  }
`;

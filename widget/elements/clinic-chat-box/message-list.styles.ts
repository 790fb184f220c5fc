// Styles of the message log's rows (the box's styles hold the log itself).
import { css } from 'lit';

export const messageStyles = css`
  /* A group reads as one block: its rows sit closer than separate messages. */
  [part~='message']:not([part~='group-first']) {
    margin-top: -5px;
  }
  .from {
    display: flex;
    align-items: center;
    gap: 6px;
    min-width: 0;
  }
  [part~='avatar'] {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 24px;
    height: 24px;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-contrast);
    font-size: 0.7em;
    font-weight: 600;
  }
  /* A long name ends in an ellipsis; the full name is its tooltip. */
  [part~='author'] {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='date-separator'] {
    margin: 8px 0 0;
    align-self: center;
    color: var(--_muted-color);
    font-size: 0.78em;
  }
  [part~='link'] {
    color: inherit;
    text-decoration: underline;
    overflow-wrap: anywhere;
  }
  /* Above the first rendered message of a long thread. */
  [part~='earlier-button'] {
    align-self: center;
    min-height: 36px;
    padding: 0 14px;
    border: 1px solid var(--_border-color);
    border-radius: 18px;
    background: var(--_background);
    color: inherit;
    font: inherit;
    font-size: 0.85em;
    cursor: pointer;
  }
  [part~='earlier-button']:hover {
    background: var(--_surface);
  }
  /* A staff-only note (shared inbox): never a bubble the patient could have seen. */
  [part~='note'] {
    align-self: stretch;
    display: flex;
    flex-direction: column;
    gap: 2px;
    padding: 8px 12px;
    border-left: 3px solid currentColor;
    border-radius: 6px;
    background: var(--_note-background);
    color: var(--_note-color);
    overflow-wrap: anywhere;
  }
  [part~='note'] .note-label {
    font-size: 0.78em;
    font-weight: 600;
  }
  [part~='note'] [part~='time'] {
    font-size: 0.78em;
    opacity: 0.85;
  }
  /* A timeline event (shared inbox): a compact centred card, quieter than a message. */
  [part~='event'] {
    align-self: center;
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    justify-content: center;
    gap: 2px 8px;
    max-width: 90%;
    padding: 4px 12px;
    border: 1px solid var(--_border-color);
    border-radius: 999px;
    font-size: 0.82em;
    color: var(--_muted-color);
    text-align: center;
    overflow-wrap: anywhere;
  }
  [part~='event-call'],
  [part~='event-email'] {
    border-radius: 8px;
  }
  [part~='event-text'] {
    color: var(--_color);
  }
  [part~='event-detail'] {
    flex-basis: 100%;
  }
  [part~='event-link'] {
    color: var(--_accent);
  }
`;

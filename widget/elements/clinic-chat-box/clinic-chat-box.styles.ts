import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
    background: var(--_background);
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([minimized]) {
    flex: 0 0 auto;
  }
  [part~='box'] {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 0;
  }
  .body {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 0;
  }
  .body[hidden] {
    display: none;
  }
  [part~='header'] {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 8px 8px 14px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border-color);
  }
  :host([minimized]) [part~='header'] {
    border-bottom: none;
  }
  .heading {
    flex: 1;
    min-width: 0;
  }
  [part~='title'] {
    margin: 0;
    font-size: 1em;
    font-weight: 650;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='status'] {
    display: block;
    color: var(--_muted-color);
    font-size: 0.8em;
  }
  .actions {
    display: flex;
    gap: 4px;
    flex-wrap: wrap;
    justify-content: flex-end;
  }
  .actions button {
    min-width: 36px;
    min-height: 36px;
    border: 1px solid transparent;
    border-radius: 8px;
    background: transparent;
    padding: 0 8px;
  }
  .actions button:hover {
    border-color: var(--_border-color);
  }
  [part~='end-button'] {
    color: var(--_danger-color);
    font-weight: 600;
  }
  [part~='end-confirm'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 8px 8px 8px 14px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border-color);
  }
  [part~='end-confirm'] p {
    margin: 0;
    font-weight: 600;
  }
  .end-answers {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .end-answers button {
    min-height: 36px;
    padding: 0 12px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
    font-weight: 600;
  }
  .end-answers [part~='end-confirm-button'] {
    color: var(--_danger-color);
    border-color: currentColor;
  }
  [part~='save-transcript-menu'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 6px;
    padding: 8px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border-color);
  }
  [part~='end-save'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
    flex-basis: 100%;
    color: var(--_muted-color);
    font-size: 0.9em;
  }
  [part~='save-transcript-menu'] button,
  [part~='end-save'] button {
    min-height: 36px;
    padding: 0 12px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
    color: var(--_color);
    font-weight: 600;
  }
  [part~='messages'] {
    flex: 1;
    min-height: 120px;
    margin: 0;
    padding: 12px;
    overflow-y: auto;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  [part~='message'] {
    max-width: 85%;
    display: flex;
    flex-direction: column;
    gap: 2px;
    align-self: flex-start;
  }
  [part~='message-mine'] {
    align-self: flex-end;
    align-items: flex-end;
  }
  .bubble {
    padding: 8px 12px;
    border-radius: var(--_radius);
    background: var(--_theirs-background);
    color: var(--_theirs-color);
    overflow-wrap: anywhere;
  }
  [part~='text'] {
    white-space: pre-wrap;
  }
  [part~='message-mine'] .bubble {
    background: var(--_mine-background);
    color: var(--_mine-color);
  }
  [part~='author'],
  .meta {
    color: var(--_muted-color);
    font-size: 0.78em;
  }
  [part~='delivery-failed'] {
    color: var(--_danger-color);
    font-weight: 600;
  }
  [part~='attachment'] {
    display: block;
    color: inherit;
  }
  [part~='text'] + .attachment,
  .attachment + .attachment {
    margin-top: 6px;
  }
  /* An image's thumbnail is a button: it opens the viewer. */
  .thumbnail {
    padding: 0;
    border: 0;
    background: none;
    cursor: zoom-in;
  }
  [part~='attachment'] img {
    display: block;
    max-width: min(240px, 100%);
    max-height: 240px;
    border-radius: calc(var(--_radius) * 0.6);
  }
  /* A PDF: the link that opens it, "Download" beside it. */
  .file {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 2px 10px;
  }
  [part~='attachment-download'] {
    color: inherit;
    font-size: 0.85em;
  }
  progress {
    width: 120px;
  }
  [part~='banner'] {
    margin: 0;
    padding: 10px 14px;
    background: var(--_surface);
    border-top: 1px solid var(--_border-color);
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  [part~='typing'] {
    min-height: 1.4em;
    margin: 0;
    padding: 0 14px;
    color: var(--_muted-color);
    font-size: 0.8em;
    /* One line however long the names: the full sentence is the line's tooltip. */
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .empty {
    margin: auto;
    color: var(--_muted-color);
    text-align: center;
  }
`;

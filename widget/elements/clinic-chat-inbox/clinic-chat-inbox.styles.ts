import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    container-type: inline-size;
    min-width: min(280px, 100%);
    color: var(--_color);
    background: var(--_background);
    --_inbox-height: var(--clinic-chat-inbox-height, 640px);
  }
  :host([hidden]) {
    display: none;
  }
  h2 {
    margin: 0;
    font-size: 1.05em;
  }
  [part~='inbox'] {
    display: grid;
    grid-template-columns: minmax(260px, 340px) minmax(0, 1fr);
    gap: 12px;
    height: min(var(--_inbox-height), 100dvh);
  }
  [part~='list-pane'],
  [part~='detail-pane'] {
    display: flex;
    flex-direction: column;
    min-height: 0;
    min-width: 0;
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    background: var(--_background);
    overflow: hidden;
  }
  .list-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 10px 12px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border-color);
  }
  button {
    min-height: 32px;
    padding: 0 10px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
  }
  [part~='search'] {
    padding: 8px 12px 0;
  }
  [part~='search'] input {
    width: 100%;
    min-height: 36px;
    padding: 0 10px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
  }
  [part~='views'] {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    padding: 8px 12px 0;
  }
  [part~='view'] {
    border-radius: 999px;
    font-size: 0.85em;
  }
  [part~='view-current'] {
    background: var(--_accent);
    color: var(--_accent-contrast);
    border-color: var(--_accent);
    font-weight: 600;
  }
  [part~='view-count'] {
    font-weight: 700;
  }
  [part~='toggles'] {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 12px;
    padding: 8px 12px;
    font-size: 0.85em;
    border-bottom: 1px solid var(--_border-color);
  }
  .rows {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
  }
  [part~='conversation-list'] {
    margin: 0;
    padding: 4px;
    list-style: none;
  }
  [part~='conversation'] {
    display: flex;
    flex-direction: column;
    gap: 2px;
    width: 100%;
    padding: 8px 10px;
    border: 1px solid transparent;
    border-radius: 8px;
    background: none;
    text-align: start;
  }
  [part~='conversation']:hover {
    background: var(--_surface);
  }
  [part~='conversation'][aria-current='true'] {
    border-color: var(--_accent);
    background: var(--_surface);
  }
  .line {
    display: flex;
    justify-content: space-between;
    gap: 8px;
    min-width: 0;
  }
  .name {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='conversation-unread'] .name {
    font-weight: 700;
  }
  [part~='conversation-time'],
  .preview {
    color: var(--_muted-color);
    font-size: 0.82em;
  }
  .preview {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  mark {
    background: var(--_note-background);
    color: var(--_note-color);
    font-weight: 600;
  }
  .tags {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  [part~='tag'] {
    padding: 1px 6px;
    border: 1px solid var(--_border-color);
    border-radius: 999px;
    font-size: 0.75em;
    color: var(--_muted-color);
  }
  [part~='tag-urgent'] {
    color: var(--_danger-color);
    border-color: currentColor;
    font-weight: 600;
  }
  [part~='badge'] {
    height: 18px;
    line-height: 18px;
    font-size: 0.72em;
  }
  [part~='more-button'] {
    margin: 4px 12px 12px;
  }
  [part~='list-empty'],
  [part~='placeholder'] {
    margin: auto;
    padding: 24px;
    color: var(--_muted-color);
    text-align: center;
  }
  [part~='conversation-header'] {
    display: flex;
    flex-direction: column;
    gap: 6px;
    padding: 8px 12px;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border-color);
  }
  .title-row {
    display: flex;
    align-items: center;
    gap: 8px;
    min-width: 0;
  }
  .heading {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  [part~='title'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='status'],
  [part~='viewers'],
  [part~='mentioned'],
  [part~='claimed'] {
    margin: 0;
    color: var(--_muted-color);
    font-size: 0.82em;
  }
  [part~='claimed'] {
    color: var(--_color);
    font-weight: 600;
  }
  [part~='conversation-actions'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
  }
  [part~='assign'] {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    font-size: 0.9em;
  }
  select {
    min-height: 32px;
    max-width: 12em;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
  }
  [part~='claim-button'] {
    background: var(--_accent);
    color: var(--_accent-contrast);
    border-color: var(--_accent);
    font-weight: 600;
  }
  [part~='back-button'] {
    display: none;
  }
  [part~='problem'] {
    margin: 0;
    padding: 8px 12px;
    color: var(--_danger-color);
    font-weight: 600;
    border-bottom: 1px solid var(--_border-color);
  }
  .link {
    min-height: 0;
    padding: 0;
    border: none;
    background: none;
    text-decoration: underline;
    color: inherit;
  }
  clinic-chat-box {
    flex: 1;
    min-height: 0;
    border: none;
    border-radius: 0;
  }
  /* A phone or a narrow column: the list, or the open conversation with a way back. */
  @container (max-width: 640px) {
    [part~='inbox'] {
      grid-template-columns: minmax(0, 1fr);
    }
    .detail-open [part~='list-pane'],
    .inbox:not(.detail-open) [part~='detail-pane'] {
      display: none;
    }
    [part~='back-button'] {
      display: inline-block;
    }
  }
  .head-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 6px;
  }
  .head-actions button {
    white-space: nowrap;
  }
  [part~='urgent-button'][aria-pressed='true'],
  [part~='legal-hold-button'][aria-pressed='true'] {
    color: var(--_danger-color);
    border-color: currentColor;
    font-weight: 600;
  }
`;

// The conversation header's option menus (transcript, display name, shared contact, opt-out)
// and the New chat panel: summaries that look like buttons, panels in the flow, their fields.
import { css } from 'lit';

export const menuStyles = css`
  /* Open, a menu takes the whole row and its panel opens below it, in the flow (nothing to overlap). */
  details.menu[open],
  details.confirm {
    flex-basis: 100%;
  }
  details.menu > summary,
  details.confirm > summary {
    display: inline-flex;
    align-items: center;
    min-height: 32px;
    padding: 0 10px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    cursor: pointer;
    list-style: none;
  }
  details.menu > summary::-webkit-details-marker,
  details.confirm > summary::-webkit-details-marker {
    display: none;
  }
  details.menu[open] > summary {
    border-color: var(--_accent);
  }
  details.menu > .panel {
    max-width: 28em;
    margin-top: 6px;
    padding: 10px 12px;
    border: 1px solid var(--_border-color);
    border-radius: 10px;
    background: var(--_background);
    color: var(--_color);
  }
  .panel p {
    margin: 0 0 8px;
  }
  .panel label {
    display: block;
    margin: 0 0 6px;
  }
  .panel input:not([type]),
  .panel input[type='email'],
  [part~='new-chat'] input {
    box-sizing: border-box;
    width: 100%;
    min-height: 32px;
    padding: 0 8px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
  }
  .panel input[type='email'],
  [part~='new-chat'] input {
    display: block;
    margin-top: 4px;
  }
  [part~='new-chat'] input {
    max-width: 28em;
    min-height: 36px;
    padding: 0 10px;
  }
  .panel .row {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin: 0 0 10px;
  }
  .panel fieldset {
    margin: 0 0 8px;
    padding: 0;
    border: none;
  }
  .panel legend {
    margin-bottom: 4px;
    font-size: 0.85em;
    color: var(--_muted-color);
  }
  .panel .hint {
    margin: 8px 0 0;
    font-size: 0.82em;
    color: var(--_muted-color);
  }
  [part~='opt-out-confirm'],
  [part~='merge-confirm'] {
    border-color: var(--_danger-color);
    color: var(--_danger-color);
    font-weight: 600;
  }
  [part~='contact-primary'] {
    font-weight: 600;
  }
  [part~='new-chat'] {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding: 12px 16px;
  }
  [part~='new-chat'] label {
    display: block;
    margin: 8px 0;
  }
  [part~='new-chat-results'],
  [part~='contact-patients'] {
    margin: 8px 0;
    padding: 0;
    list-style: none;
  }
  [part~='new-chat-results'] li,
  [part~='contact-patients'] li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 6px;
    padding: 8px 0;
    border-bottom: 1px solid var(--_border-color);
  }
  [part~='new-chat-results'] .who {
    display: flex;
    flex-direction: column;
  }
  [part~='new-chat-results'] .meta,
  [part~='new-patient'] .hint {
    color: var(--_muted-color);
    font-size: 0.85em;
  }
  [part~='new-patient'] {
    margin-top: 16px;
    padding-top: 8px;
    border-top: 1px solid var(--_border-color);
  }
  [part~='new-patient'] h3 {
    margin: 8px 0;
    font-size: 0.95em;
  }
`;

// The inbox settings panel: teams, who is told about Unassigned, retention, roles and the audit.
import { css } from 'lit';

export const settingsStyles = css`
  [part~='settings'] {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding: 12px 16px;
  }
  .settings-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
  }
  [part~='settings'] h3 {
    margin: 16px 0 8px;
    font-size: 0.95em;
  }
  [part~='settings'] label {
    display: block;
    margin: 4px 0;
  }
  [part~='audit-filters'] {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 8px 12px;
    margin: 0 0 10px;
  }
  [part~='audit-filters'] label {
    display: flex;
    flex-direction: column;
    gap: 2px;
    margin: 0;
    font-size: 0.9em;
  }
  [part~='role'] fieldset {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(12em, 1fr));
    gap: 2px 12px;
    margin: 0 0 10px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
  }
  [part~='role'] legend {
    font-weight: 600;
  }
  [part~='role-save'] {
    justify-self: start;
  }
  [part~='team'] {
    margin: 0 0 10px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
  }
  [part~='team'] legend {
    font-weight: 600;
  }
  .danger {
    color: var(--_danger-color);
  }
  .add-team {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 6px;
  }
  .add-team input {
    min-height: 32px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
  }
  [part~='retention'] fieldset {
    margin: 0 0 8px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
  }
  [part~='retention-days'] {
    width: 7em;
    min-height: 32px;
    border: 1px solid var(--_border-color);
    border-radius: 8px;
    background: var(--_background);
    color: inherit;
    font: inherit;
  }
  .hint {
    color: var(--_muted-color);
    font-size: 0.9em;
  }
  .audit-scroll {
    overflow-x: auto;
  }
  [part~='audit-table'] {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.9em;
  }
  [part~='audit-table'] th,
  [part~='audit-table'] td {
    padding: 4px 6px;
    border-bottom: 1px solid var(--_border-color);
    text-align: start;
    vertical-align: top;
    overflow-wrap: anywhere;
  }
  [part~='audit-more'] {
    margin-top: 8px;
  }`;

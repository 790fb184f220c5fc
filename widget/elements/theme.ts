// Design tokens. Public `--clinic-chat-*` custom properties map onto private `--_*` ones
// (the Material Web pattern), so a host themes the widget without reaching into it.
// Defaults meet WCAG AA contrast in both palettes.
import { css, unsafeCSS } from 'lit';

const light = {
  background: '#ffffff',
  surface: '#f2f4f7',
  color: '#1b2127',
  'muted-color': '#56606b',
  'border-color': '#c5ccd3',
  accent: '#0a5cab',
  'accent-contrast': '#ffffff',
  'mine-background': '#0a5cab',
  'mine-color': '#ffffff',
  'theirs-background': '#e9edf1',
  'theirs-color': '#1b2127',
  'badge-background': '#b3261e',
  'badge-color': '#ffffff',
  'danger-color': '#a4221b',
  'focus-ring': '#1a66d2',
  'note-background': '#fff4d6',
  'note-color': '#3d2e00',
};

const dark: typeof light = {
  background: '#15191e',
  surface: '#1f252c',
  color: '#e7ebef',
  'muted-color': '#a8b2bd',
  'border-color': '#3b444e',
  accent: '#8cb8f5',
  'accent-contrast': '#0b1b2e',
  'mine-background': '#2c5a91',
  'mine-color': '#ffffff',
  'theirs-background': '#2a3139',
  'theirs-color': '#e7ebef',
  'badge-background': '#f2b8b5',
  'badge-color': '#410e0b',
  'danger-color': '#f2b8b5',
  'focus-ring': '#8cb8f5',
  'note-background': '#3a3220',
  'note-color': '#f5e6b8',
};

const tokens = (palette: typeof light) =>
  unsafeCSS(Object.entries(palette).map(([name, value]) => `--_${name}: var(--clinic-chat-${name}, ${value});`).join('\n'));

/** Applied on <clinic-chat>'s host; the private tokens inherit into the inner elements. */
export const themeTokens = css`
  :host {
    ${tokens(light)}
    --_radius: var(--clinic-chat-radius, 12px);
    --_font: var(--clinic-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_font-size: var(--clinic-chat-font-size, 15px);
    --_height: var(--clinic-chat-height, 520px);
    color-scheme: light;
  }
  :host([theme='dark']) {
    ${tokens(dark)}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${tokens(dark)}
      color-scheme: dark;
    }
  }
`;

/** Shared bits every inner element needs: box sizing, focus ring, icons, badges, visually hidden text. */
export const base = css`
  :host {
    box-sizing: border-box;
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_color);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  textarea,
  input {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--_focus-ring);
    outline-offset: 2px;
  }
  svg {
    width: 18px;
    height: 18px;
    vertical-align: middle;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  [part~='badge'] {
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 999px;
    background: var(--_badge-background);
    color: var(--_badge-color);
    font-size: 0.8em;
    font-weight: 700;
    line-height: 22px;
    text-align: center;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
`;

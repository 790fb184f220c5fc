// Inline SVG icons: no icon font or emoji font needed, nothing extra for the CSP to allow.
// Decorative only (aria-hidden); the buttons carry the accessible names.
import { svg, html } from 'lit';

const icon = (body: ReturnType<typeof svg>) => html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${body}</svg>`;

export const icons = {
  attach: icon(svg`<path d="M21 11.5 12.5 20a5 5 0 0 1-7-7L14 4.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3L15 7.5" />`),
  minimize: icon(svg`<path d="M6 9l6 6 6-6" />`),
  restore: icon(svg`<path d="M6 15l6-6 6 6" />`),
  chat: icon(svg`<path d="M21 11.5a8.5 8.5 0 0 1-12.4 7.6L3 20.5l1.4-5.2A8.5 8.5 0 1 1 21 11.5z" />`),
  close: icon(svg`<path d="M6 6l12 12M18 6 6 18" />`),
  download: icon(svg`<path d="M12 4v11m-5-5 5 5 5-5M5 20h14" />`),
  document: icon(svg`<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" /><path d="M14 3v5h5" />`),
};

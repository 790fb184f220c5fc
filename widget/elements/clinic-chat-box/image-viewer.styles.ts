// Styles of the box's full-size image viewer (a modal dialog in the top layer; the theme's
// tokens still inherit into it from the box).
import { css } from 'lit';

export const viewerStyles = css`
  [part~='image-viewer'] {
    max-width: calc(100vw - 32px);
    max-height: calc(100dvh - 32px);
    padding: 12px;
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    background: var(--_background);
    color: var(--_color);
    overflow: auto;
  }
  [part~='image-viewer'][open] {
    display: flex;
    flex-direction: column;
    gap: 10px;
  }
  /* Dims the page behind; a neutral shade in either palette. */
  [part~='image-viewer']::backdrop {
    background: rgb(0 0 0 / 0.7);
  }
  /* Its natural size, scaled down (never up) to what the viewport leaves beside the bar. */
  [part~='image-viewer-image'] {
    display: block;
    align-self: center;
    max-width: 100%;
    max-height: calc(100dvh - 120px);
    min-height: 0;
    object-fit: contain;
  }
  .viewer-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 14px;
  }
  .viewer-name {
    flex: 1;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  [part~='image-viewer-download'] {
    color: var(--_accent);
  }
  [part~='image-viewer-close'] {
    min-height: 36px;
    padding: 0 14px;
    border: 1px solid var(--_border-color);
    border-radius: 18px;
    background: var(--_surface);
  }
`;

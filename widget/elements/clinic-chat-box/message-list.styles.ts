// Styles of the message log's rows (the box's styles hold the log itself).
import { css } from 'lit';

export const messageStyles = css`
  /* Off-screen rows skip layout and paint: a 5,000-message log costs what its visible rows cost. */
  [part~='message'] {
    content-visibility: auto;
    contain-intrinsic-size: auto 56px;
  }
`;

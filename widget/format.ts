// Formatting shared by the core (its error messages) and the elements (attachment sizes,
// the names and file names they show).

/** A byte count the way people read it: 900 B, 12 KB, 4.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

// Bidi embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the marks
// LRM, RLM and ALM. Names and file names come from the other side, and these characters let
// one reorder what is shown: "invoice\u202Egnp.exe" displays as "invoiceexe.png".
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * A name or file name as it is safe to show: without the invisible characters that reorder
 * text. Right-to-left scripts still display correctly: the bidi algorithm needs no controls
 * for them.
 */
export function displayName(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

// The box's full-size image viewer, as a controller: a modal <dialog> over the page with the
// image at its natural size (scaled down to fit), its name, Download and Close. The dialog
// traps focus and closes on Escape; focus goes back to the thumbnail that opened it.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & { readonly renderRoot: ParentNode };

/** The image on show: its bytes (to know when they leave), the box's URL for them, its display name. */
export interface ViewedImage {
  readonly blob: Blob;
  readonly url: string;
  readonly name: string;
}

export class ImageViewerController implements ReactiveController {
  /** The image shown, while the viewer is open. */
  image: ViewedImage | undefined;
  private opener: HTMLElement | undefined;
  /** Set by `show()`: the next update opens the dialog that render put in. */
  private opening = false;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  /** Opens the viewer on an image; focus returns to `opener` when it closes. */
  show(image: ViewedImage, opener: HTMLElement): void {
    this.image = image;
    this.opener = opener;
    this.opening = true;
    this.host.requestUpdate();
  }

  /** Closes the viewer, focus back on the thumbnail (or, if it is gone, left where it is). */
  close(): void {
    this.dialog()?.close();
  }

  /** Before a render: closes without moving focus (the image left the thread, the box folded, the thread changed). */
  reset(): void {
    if (!this.image) return;
    this.opener = undefined;
    this.image = undefined;
    this.dialog()?.close();
  }

  hostUpdated(): void {
    if (!this.opening) return;
    this.opening = false;
    const dialog = this.dialog();
    if (dialog && !dialog.open) dialog.showModal();
  }

  /** Leaving the page closes the dialog; the next render drops it, so a box put back shows none. */
  hostDisconnected(): void {
    this.image = undefined;
    this.opener = undefined;
    this.opening = false;
    this.host.requestUpdate();
  }

  render() {
    const image = this.image;
    if (!image) return nothing;
    return html`<dialog part="image-viewer" aria-labelledby="image-viewer-name" @close=${this.onClose} @keydown=${this.onKeydown}>
      <img part="image-viewer-image" src=${image.url} alt=${`Image: ${image.name}`} />
      <div class="viewer-bar">
        <span id="image-viewer-name" class="viewer-name">${image.name}</span>
        <a part="image-viewer-download" href=${image.url} download=${image.name}>Download</a>
        <button part="image-viewer-close" type="button" autofocus @click=${() => this.close()}>Close</button>
      </div>
    </dialog>`;
  }

  /** Escape belongs to the dialog: it must not also minimize the box or leave the inbox's conversation. */
  private readonly onKeydown = (event: KeyboardEvent): void => {
    // Not preventDefault: that would cancel the dialog's own close on Escape.
    if (event.key === 'Escape') event.stopPropagation();
  };

  private readonly onClose = (): void => {
    const opener = this.opener;
    this.image = undefined;
    this.opener = undefined;
    this.host.requestUpdate();
    if (opener?.isConnected) opener.focus();
  };

  private dialog(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('dialog[part~="image-viewer"]');
  }
}

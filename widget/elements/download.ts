// Handing a file the page made (or fetched with a token in a header) to the browser: a Blob URL
// on a temporary <a download>, revoked once the click has started the download. Nothing is
// stored anywhere.
export function downloadBlob(root: ParentNode, blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  root.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Shows a fetched page (the printable transcript) in a new tab. The tab is opened during the
 * click, before the fetch, so no popup blocker stops it. It is an about:blank of this page's
 * origin and so under this page's CSP, which may forbid the page's inline style sheet: the
 * document is put in from the parsed page (which holds no script) and `style` is adopted as a
 * constructed style sheet, which CSP does not govern.
 */
export function openInNewTab(fetchPage: () => Promise<Blob | undefined>, style: string): void {
  const tab = window.open('', '_blank');
  if (!tab) return;
  tab.opener = null;
  void fetchPage().then(
    async (page) => {
      if (!page || !page.type.startsWith('text/html')) return tab.close();
      // Its inline sheet would only be refused (and reported) by this page's CSP, even while
      // parsing: taken out of the text first, and adopted instead.
      const parsed = new DOMParser().parseFromString((await page.text()).replace(/<style>[\s\S]*?<\/style>/g, ''), 'text/html');
      // The hub escapes every value and sends no script; whatever else answered (a proxy's error
      // page) is kept to plain markup all the same: no script, frame or handler reaches the tab.
      for (const el of parsed.querySelectorAll('script, iframe, object, embed, link, meta[http-equiv], base, form')) el.remove();
      for (const el of parsed.querySelectorAll('*')) {
        for (const attr of [...el.attributes]) {
          if (attr.name.startsWith('on') || (attr.name === 'href' && !/^https?:/i.test(attr.value)) || attr.name === 'src' || attr.name === 'srcdoc') el.removeAttribute(attr.name);
        }
      }
      const doc = tab.document;
      doc.replaceChild(doc.importNode(parsed.documentElement, true), doc.documentElement);
      const sheet = new (tab as Window & typeof globalThis).CSSStyleSheet();
      sheet.replaceSync(style);
      doc.adoptedStyleSheets = [sheet];
    },
    () => tab.close(),
  );
}

// Finds elements through nested open shadow roots, for browser tests of <clinic-chat>.
// Test-only; not part of the package.

/** The first element matching `selector` in `root`'s shadow tree or any shadow tree inside it. */
export function deepQuery<T extends HTMLElement = HTMLElement>(root: Element, selector: string): T | null {
  return deepQueryAll<T>(root, selector)[0] ?? null;
}

/** Every element matching `selector` in `root`'s shadow tree and the shadow trees inside it. */
export function deepQueryAll<T extends HTMLElement = HTMLElement>(root: Element, selector: string): T[] {
  const out: T[] = [];
  const walk = (node: Element | ShadowRoot) => {
    out.push(...node.querySelectorAll<T>(selector));
    for (const child of node.querySelectorAll('*')) if (child.shadowRoot) walk(child.shadowRoot);
  };
  if (root.shadowRoot) walk(root.shadowRoot);
  return out;
}

/** The element that has focus, looking inside shadow roots. */
export function deepActiveElement(): Element | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

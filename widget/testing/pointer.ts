// A real mouse click for browser tests: the browser's own pointer at the element's centre, so
// what is covered, hidden or off screen cannot be clicked. Test-only; not part of the package.
import { resetMouse, sendMouse } from '@web/test-runner-commands';

export async function clickOn(el: Element): Promise<void> {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) throw new Error(`${el.getAttribute('part') ?? el.localName} is not shown`);
  await sendMouse({ type: 'click', position: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)] });
  await resetMouse();
}

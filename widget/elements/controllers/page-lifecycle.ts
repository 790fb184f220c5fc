// The page's lifecycle for <clinic-chat>: a hidden page counts as "not in view", a page that
// goes says goodbye (and a page restored from the back/forward cache says hello again), and a
// clinician is warned before a reload or close erases threads that only this page holds.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatState } from '../../core/types.js';
import type { SessionController } from './session.js';

/**
 * Whether leaving the page now would erase threads that exist nowhere else: the core says so
 * (ephemeral mode, a thread with messages), and only the provider is warned. Closing the tab is
 * how a patient leaves a visit, and the care team's page still holds the thread.
 */
export function threadsWouldBeErased(state: ChatState): boolean {
  return state.role === 'provider' && state.wouldLoseOnUnload;
}

export class PageLifecycleController implements ReactiveController {
  constructor(host: ReactiveControllerHost, private readonly session: SessionController) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onPageShow);
    window.addEventListener('beforeunload', this.onBeforeUnload);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onPageShow);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
  }

  private readonly onVisibility = (): void => this.session.core?.setVisible(document.visibilityState !== 'hidden');
  private readonly onPageHide = (): void => this.session.core?.stop();
  private readonly onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.session.core?.start();
  };
  private readonly onBeforeUnload = (event: BeforeUnloadEvent): void => {
    const state = this.session.core?.state;
    if (!state || !threadsWouldBeErased(state)) return;
    // Both, for the browsers that still read only one of them; the text itself is the browser's.
    event.preventDefault();
    event.returnValue = '';
  };
}

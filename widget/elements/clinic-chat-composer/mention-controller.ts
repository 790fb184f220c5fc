// The composer's @mention suggestions, as a controller: typing `@` and letters in a note opens a
// list of staff and lists; Up/Down move through it, Enter or Tab picks, Escape closes it (and
// only it). The text rules live in widget/inbox/mentions.ts.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { MentionTarget } from '../../../protocol/inbox.js';
import { insertMention, mentionQueryAt, mentionsIn, suggestions, type Mentionable, type MentionQuery } from '../../inbox/mentions.js';

export class MentionController implements ReactiveController {
  options: Mentionable[] = [];
  active = 0;
  private at?: MentionQuery;
  private picked: Mentionable[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly input: () => HTMLTextAreaElement | undefined,
    private readonly source: () => readonly Mentionable[] | undefined,
  ) {
    host.addController(this);
  }

  get open(): boolean {
    return this.options.length > 0;
  }

  hostConnected(): void {}

  /** After each keystroke: is an `@name` being typed at the caret? */
  changed(enabled: boolean): void {
    const input = this.input();
    const all = this.source();
    const at = enabled && input && all ? mentionQueryAt(input.value, input.selectionStart ?? input.value.length) : undefined;
    this.at = at;
    const options = at && all ? suggestions(all, at.query) : [];
    if (options.length !== this.options.length || options.some((o, i) => o !== this.options[i])) this.active = 0;
    this.options = options;
    this.host.requestUpdate();
  }

  /** Keys for the open list; returns true when the key was the list's. */
  keydown(event: KeyboardEvent): boolean {
    if (!this.open || event.isComposing) return false;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        this.active = (this.active + (event.key === 'ArrowDown' ? 1 : -1) + this.options.length) % this.options.length;
        break;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey) return false;
        this.choose(this.active);
        break;
      case 'Escape':
        this.close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    event.stopPropagation();
    this.host.requestUpdate();
    return true;
  }

  /** The mentions the finished note still contains. */
  targets(text: string): MentionTarget[] {
    return mentionsIn(text, this.picked);
  }

  reset(): void {
    this.picked = [];
    this.close();
  }

  /** What the textarea says about the list (a textbox with list autocomplete: no aria-expanded on a textbox). */
  get aria() {
    return {
      activedescendant: this.open ? `mention-${this.active}` : '',
    };
  }

  render() {
    if (!this.open) return nothing;
    return html`<ul id="mention-list" part="mention-list" role="listbox" aria-label="People and teams to mention">
      ${this.options.map(
        (m, i) =>
          html`<li
            id=${`mention-${i}`}
            part=${i === this.active ? 'mention-option mention-option-active' : 'mention-option'}
            role="option"
            aria-selected=${i === this.active ? 'true' : 'false'}
            @mousedown=${(e: Event) => e.preventDefault()}
            @click=${() => this.choose(i)}
          >
            ${m.name}${m.kind === 'list' ? html` <span class="kind">team</span>` : nothing}
          </li>`,
      )}
    </ul>`;
  }

  private choose(index: number): void {
    const input = this.input();
    const who = this.options[index];
    if (!input || !who || !this.at) return;
    const caret = input.selectionStart ?? input.value.length;
    const next = insertMention(input.value, this.at, caret, who);
    input.value = next.text;
    input.setSelectionRange(next.caret, next.caret);
    this.picked.push(who);
    this.close();
    input.focus();
  }

  private close(): void {
    this.options = [];
    this.at = undefined;
    this.host.requestUpdate();
  }
}

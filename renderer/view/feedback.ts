// The one place the app answers the user's last action: a single line, moved beside the control that caused it (the
// field of a bad value, the button of a refused request). An error and a confirmation share it, so a new message
// always replaces the old one and a stale message never lingers beside a new one.
import { el } from './dom.ts';

export type FeedbackKind = 'error' | 'ok';

export class Feedback {
  readonly element = el('p', { testid: 'feedback', class: 'feedback', role: 'status', hidden: '' });
  private anchor: Element | undefined;

  /** Shows `message` right after `anchor` (the field's row or the button). */
  show(kind: FeedbackKind, message: string, anchor: Element): void {
    this.element.textContent = message.split('\n')[0]!;
    this.element.dataset.kind = kind;
    this.element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.element.hidden = false;
    if (this.anchor !== anchor || this.element.previousElementSibling !== anchor) anchor.after(this.element);
    this.anchor = anchor;
  }

  error(message: string, anchor: Element): void {
    this.show('error', message, anchor);
  }

  ok(message: string, anchor: Element): void {
    this.show('ok', message, anchor);
  }

  /** Clears the line; with `anchor`, only if it is that control's (an edit of the field it blamed). */
  clear(anchor?: Element): void {
    if (anchor !== undefined && anchor !== this.anchor) return;
    this.element.hidden = true;
    this.element.textContent = '';
    this.anchor = undefined;
  }

  /** Runs a host request for `anchor`: a refusal is shown beside it; `done` confirms success there (or clears). */
  run<T>(anchor: Element, request: () => Promise<T>, done?: (result: T) => string): void {
    this.clear();
    request().then(
      (result) => { if (done) this.ok(done(result), anchor); },
      (e: unknown) => this.error(e instanceof Error ? e.message : String(e), anchor),
    );
  }
}

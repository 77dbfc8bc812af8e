// A tab of the side panel that follows the notebook in focus and loads only while shown.

import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { PanelServices } from './services.js';

export abstract class Section extends Widget {
  protected path: string | null = null;
  private stale = true;

  constructor(
    protected readonly services: PanelServices,
    readonly label: string,
    className: string
  ) {
    super();
    this.addClass('jp-mlm-section');
    this.addClass(className);
    this.title.label = label;
  }

  /** Follow another notebook (null: none in focus). */
  setPath(path: string | null): void {
    if (path === this.path) {
      return;
    }
    this.path = path;
    this.invalidate();
  }

  /** Re-read from the server now if shown, else when next shown. */
  invalidate(): void {
    this.stale = true;
    if (this.isVisible) {
      this.stale = false;
      this.load();
    }
  }

  /** Load everything for `this.path` (called when shown and stale). */
  protected abstract load(): void;

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this.stale) {
      this.stale = false;
      this.load();
    }
  }
}

// The comments of one checkpoint: read, post, and delete your own.

import type { Comment, CommentTarget, Me } from '../api/types.js';
import { authorLabel } from '../model/checkpointLabels.js';
import { timeEl } from './badges.js';
import { button, h } from './dom.js';
import { errorBox, loadingLine } from './notices.js';
import type { PanelServices } from './services.js';

export class CommentsThread {
  readonly node = h('section', { className: 'jp-mlm-comments', attrs: { 'aria-label': 'Comments' } });
  private readonly list = h('div', { className: 'jp-mlm-comment-list' });
  private readonly problem = h('div');
  private readonly input = h('textarea', {
    className: 'jp-mlm-input jp-mlm-comment-input',
    attrs: { rows: 2, placeholder: 'Add a comment (Ctrl+Enter to post)', 'aria-label': 'New comment' }
  });
  private readonly post = button('Post', () => void this.send(), { title: 'Post the comment (Ctrl+Enter)' });
  private comments: Comment[] = [];
  private me: Me | null = null;

  constructor(
    private readonly services: PanelServices,
    private readonly kind: CommentTarget,
    private readonly targetId: string,
    private readonly onCountChanged: (count: number) => void = () => undefined
  ) {
    this.input.addEventListener('keydown', event => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.send();
      }
    });
    this.node.append(
      h('h3', { className: 'jp-mlm-subtitle', text: 'Comments' }),
      this.list,
      this.problem,
      h('div', { className: 'jp-mlm-control-row' }, this.input, this.post)
    );
    void this.load();
  }

  private async load(): Promise<void> {
    this.list.replaceChildren(loadingLine('Loading comments…'));
    this.problem.replaceChildren();
    try {
      const [comments, me] = await Promise.all([
        this.services.client.comments(this.kind, this.targetId),
        this.services.me().catch(() => null) // without it, no Delete buttons: the list still shows
      ]);
      this.comments = comments;
      this.me = me;
      this.render();
    } catch (error) {
      this.list.replaceChildren(errorBox(error, () => void this.load(), 'Loading comments'));
    }
  }

  private render(): void {
    if (!this.comments.length) {
      this.list.replaceChildren(
        h('p', { className: 'jp-mlm-muted', text: 'No comments yet. Notes you post here are seen by everyone sharing this store.' })
      );
      return;
    }
    this.list.replaceChildren(
      ...this.comments.map(c =>
        h(
          'article',
          { className: 'jp-mlm-comment' },
          h(
            'div',
            { className: 'jp-mlm-run-line' },
            h('span', { className: 'jp-mlm-author', text: authorLabel(c), title: c.author }),
            timeEl(c.created_at),
            this.me && this.me.username === c.author
              ? button('Delete', () => void this.remove(c), { className: 'jp-mlm-link-button', title: 'Delete your comment' })
              : null
          ),
          h('div', { className: 'jp-mlm-comment-body', text: c.body })
        )
      )
    );
  }

  private async send(): Promise<void> {
    const body = this.input.value.trim();
    if (!body) {
      this.input.focus();
      return;
    }
    this.post.disabled = true;
    this.problem.replaceChildren();
    try {
      const comment = await this.services.client.postComment(this.kind, this.targetId, body);
      this.comments = [...this.comments, comment];
      this.input.value = '';
      this.render();
      this.onCountChanged(this.comments.length);
    } catch (error) {
      this.problem.replaceChildren(errorBox(error, () => void this.send(), 'Posting the comment'));
    } finally {
      this.post.disabled = false;
    }
  }

  private async remove(comment: Comment): Promise<void> {
    this.problem.replaceChildren();
    try {
      await this.services.client.deleteComment(comment.comment_id);
      this.comments = this.comments.filter(c => c.comment_id !== comment.comment_id);
      this.render();
      this.onCountChanged(this.comments.length);
    } catch (error) {
      this.problem.replaceChildren(errorBox(error, undefined, 'Deleting the comment'));
    }
  }
}

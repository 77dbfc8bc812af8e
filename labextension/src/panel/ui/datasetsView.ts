// The Datasets tab: the dataset versions used by the notebook in focus, each with the runs
// that used it; a dataset's other versions on demand.

import type { DatasetHistory, DatasetVersion } from '../api/types.js';
import { formatBytes, plural, shortHash } from '../model/format.js';
import { chip, timeEl } from './badges.js';
import { button, code, h } from './dom.js';
import { emptyState, errorBox, loadingLine } from './notices.js';
import { Section } from './section.js';
import type { PanelServices } from './services.js';

export class DatasetsView extends Section {
  private readonly body = h('div', { className: 'jp-mlm-body jp-mlm-scroll' });
  private generation = 0;

  constructor(
    services: PanelServices,
    private readonly runName: (runId: string) => string | null
  ) {
    super(services, 'Datasets', 'jp-mlm-datasets');
    this.node.append(this.body);
  }

  protected load(): void {
    const path = this.path;
    const generation = ++this.generation;
    if (!path) {
      this.body.replaceChildren(emptyState('No notebook in focus', 'Open a notebook to see the datasets its runs used.'));
      return;
    }
    this.body.replaceChildren(loadingLine('Loading datasets…'));
    this.services.client.datasets(path).then(
      datasets => generation === this.generation && this.render(datasets),
      error => generation === this.generation && this.body.replaceChildren(errorBox(error, () => this.load(), 'Loading datasets'))
    );
  }

  private render(datasets: DatasetVersion[]): void {
    if (!datasets.length) {
      this.body.replaceChildren(
        emptyState(
          'No datasets recorded for this notebook',
          h('span', {}, 'Hash a dataset in a cell: ', code('train = mlm.dataset("data/train/")')),
          h('span', {}, 'and pass it to a run: ', code('mlm.start_run("exp", datasets={"train": train})')),
          'Each version is stored by content hash, with the runs that used it.'
        )
      );
      return;
    }
    this.body.replaceChildren(
      h('div', { className: 'jp-mlm-status-line', text: plural(datasets.length, 'dataset version') }),
      h('ul', { className: 'jp-mlm-datasets-list', attrs: { 'aria-label': 'Datasets' } }, ...datasets.map(d => this.item(d)))
    );
  }

  private runsLine(runs: string[]): HTMLElement {
    if (!runs.length) {
      return h('div', { className: 'jp-mlm-muted', text: 'not used by a run' });
    }
    return h(
      'div',
      { className: 'jp-mlm-chips' },
      h('span', { className: 'jp-mlm-muted', text: `${plural(runs.length, 'run')}: ` }),
      ...runs.slice(0, 12).map(id => chip(this.runName(id) ?? shortHash(id), `run ${id}`)),
      runs.length > 12 ? h('span', { className: 'jp-mlm-muted', text: `+${runs.length - 12}` }) : null
    );
  }

  private item(d: DatasetVersion): HTMLElement {
    const versions = h('div');
    const toggle = button('All versions', () => void this.showVersions(d.name, versions, toggle), {
      className: 'jp-mlm-link-button',
      title: `Every recorded version of ${d.name}`
    });
    toggle.setAttribute('aria-expanded', 'false');
    return h(
      'li',
      { className: 'jp-mlm-dataset' },
      h(
        'div',
        { className: 'jp-mlm-run-line' },
        h('span', { className: 'jp-mlm-dataset-name', text: d.name || '(unnamed)', title: d.source }),
        chip(shortHash(d.content_id), `content id ${d.content_id}`, 'jp-mlm-hash'),
        timeEl(d.created_at)
      ),
      h('div', {
        className: 'jp-mlm-muted jp-mlm-ellipsis',
        text: `${d.kind} · ${formatBytes(d.bytes)}${d.file_count ? ` · ${plural(d.file_count, 'file')}` : ''} · ${d.source}`,
        title: d.source
      }),
      this.runsLine(d.runs ?? []),
      toggle,
      versions
    );
  }

  private async showVersions(name: string, target: HTMLElement, toggle: HTMLButtonElement): Promise<void> {
    if (toggle.getAttribute('aria-expanded') === 'true') {
      target.replaceChildren();
      toggle.setAttribute('aria-expanded', 'false');
      return;
    }
    toggle.setAttribute('aria-expanded', 'true');
    target.replaceChildren(loadingLine('Loading versions…'));
    let history: DatasetHistory;
    try {
      history = await this.services.client.dataset(name);
    } catch (error) {
      target.replaceChildren(errorBox(error, () => void this.showVersions(name, target, toggle), `Loading the versions of ${name}`));
      toggle.setAttribute('aria-expanded', 'false');
      return;
    }
    target.replaceChildren(
      h(
        'ol',
        { className: 'jp-mlm-versions', attrs: { 'aria-label': `Versions of ${name}, newest first` } },
        ...history.versions.map(v =>
          h(
            'li',
            {},
            h(
              'div',
              { className: 'jp-mlm-run-line' },
              chip(shortHash(v.content_id), v.content_id, 'jp-mlm-hash'),
              timeEl(v.created_at),
              h('span', { className: 'jp-mlm-muted', text: formatBytes(v.bytes) })
            ),
            this.runsLine(v.runs ?? [])
          )
        )
      )
    );
  }
}

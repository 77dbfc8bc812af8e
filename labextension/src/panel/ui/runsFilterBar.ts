// The Runs tab's filter bar: a param condition builder, the conditions as removable chips and the
// free filter text.

import type { FilterOp, ParamCondition } from '../model/leaderboard.js';
import { button, h, select, setOptions } from './dom.js';

const OPS: FilterOp[] = ['=', '!=', '<', '<=', '>', '>=', 'like'];

export interface RunsFilterActions {
  addCondition(condition: ParamCondition): void;
  removeCondition(index: number): void;
  filterText(text: string): void;
}

export class RunsFilterBar {
  /** the builder's row, the chips and the filter text's row, in this order */
  readonly nodes: HTMLElement[];
  private readonly param = select([], '', () => undefined, 'Param to filter on');
  private readonly op = select(
    OPS.map(o => [o, o] as const),
    '=',
    () => undefined,
    'Comparison'
  );
  private readonly value = h('input', {
    className: 'jp-mlm-input',
    attrs: { type: 'text', placeholder: 'value', 'aria-label': 'Param value' }
  });
  private readonly text = h('input', {
    className: 'jp-mlm-input jp-mlm-filter-text',
    attrs: { type: 'search', placeholder: "filter: params.lr < 0.01 and tags.model = 'cnn'", 'aria-label': 'Filter expression' }
  });
  private readonly chips = h('div', { className: 'jp-mlm-chips' });

  constructor(private readonly actions: RunsFilterActions) {
    this.value.addEventListener('keydown', e => e.key === 'Enter' && this.addCondition());
    this.text.addEventListener('change', () => this.actions.filterText(this.text.value));
    this.nodes = [
      h(
        'div',
        { className: 'jp-mlm-control-row' },
        this.param,
        this.op,
        this.value,
        button('Add', () => this.addCondition(), { title: 'Add this param condition to the filter' })
      ),
      this.chips,
      h('div', { className: 'jp-mlm-control-row' }, this.text)
    ];
  }

  /** The params of the loaded runs to filter on, and the conditions in force. */
  render(params: readonly string[], conditions: readonly ParamCondition[]): void {
    setOptions(this.param, [['', 'Param'], ...params.map(p => [p, p] as const)], this.param.value);
    this.chips.replaceChildren(
      ...conditions.map((cond, i) =>
        button(`${cond.key} ${cond.op} ${cond.value} ✕`, () => this.actions.removeCondition(i), {
          className: 'jp-mlm-chip-button',
          title: 'Remove this condition'
        })
      )
    );
  }

  private addCondition(): void {
    const key = this.param.value;
    if (!key) {
      this.param.focus();
      return;
    }
    const condition: ParamCondition = { key, op: this.op.value as FilterOp, value: this.value.value };
    this.value.value = '';
    this.actions.addCondition(condition);
  }
}

// Command ids of the panel.

export const CommandIDs = {
  open: 'jupyter-mlm:open-panel',
  checkpoint: 'jupyter-mlm:checkpoint-with-message',
  compare: 'jupyter-mlm:compare-selected-runs'
} as const;

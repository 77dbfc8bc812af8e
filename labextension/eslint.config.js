// ESLint flat config: typescript-eslint's recommended rules for the panel, the widgets and the
// tests; formatting is prettier's job (eslint-config-prettier turns the clashing rules off).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['lib/', 'src/panel/api/schema.d.ts']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,js}'],
    languageOptions: { globals: globals.browser }
  },
  {
    files: ['test/**/*.{ts,js}', '*.{js,ts}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } }
  },
  prettier
);

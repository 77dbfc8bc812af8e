import { defineConfig } from 'vitest/config';

// Dates in the tests are written in UTC.
process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node'
  }
});

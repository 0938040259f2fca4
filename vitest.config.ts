import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'tools/**/*.test.ts'],
    // Oracle tests shell out to dcm2niix and nibabel; give them room on a 2-core CI box.
    testTimeout: 60_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // BPF and browser tests share the kernel and the machine: run files one at a time where they ask.
    pool: 'forks',
  },
});

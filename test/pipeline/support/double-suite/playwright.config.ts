import { defineConfig } from '@playwright/test';
import suites from '../../../../playwright.config.ts';

/** TEST DOUBLE of the conformance suites' config: the real one (projects, reporters, outputs, all from the suite
 *  environment `run` wrote) over the double suite's tests instead of suites/, one worker so their order is known. */
export default defineConfig({ ...suites, testDir: import.meta.dirname, testMatch: 'double-suite.tests.ts', workers: 1 });

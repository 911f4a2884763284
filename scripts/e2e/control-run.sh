#!/usr/bin/env bash
# The end-to-end control run (issue 5): bundle → local kubeadm cluster → control platform → every suite →
# result records → report → signoff, then a check per conformance test (test/e2e/control-run.spec.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx playwright test -c test/e2e/playwright.config.ts "$@"

#!/usr/bin/env bash
# The end-to-end control run: bundle → local kubeadm cluster → control platform → every suite → result records →
# report → signoff, then a check per conformance test (test/e2e/control-run.spec.ts).
#
# Every secret the run registers (lib/exec/redact.ts: registry passwords, KBS keys, resource values, sealed
# values) goes to $COCO_SECRETS_FILE, which must lie outside every output folder and outlive the run: the secret
# scan reads it afterwards (scripts/ci/scan-secrets.ts). .ci/run names one; run alone, this script makes a private
# one and keeps it, so the same scan can follow.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${COCO_SECRETS_FILE:-}" ]; then
  COCO_SECRETS_FILE="$(mktemp -d "${TMPDIR:-/tmp}/coco-e2e-secrets.XXXXXX")/secrets"
  export COCO_SECRETS_FILE
  (umask 077 && : > "$COCO_SECRETS_FILE")
  echo "e2e: this run's secrets are registered in $COCO_SECRETS_FILE; scan the outputs for them with" \
    "npx tsx scripts/ci/scan-secrets.ts --secrets $COCO_SECRETS_FILE results test-results"
fi
exec npx playwright test -c test/e2e/playwright.config.ts "$@"

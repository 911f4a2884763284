import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import { TEST_CATALOG } from '../matrix/test-catalog.ts';
import { FEATURES, VARIANTS, type Feature, type Variant } from '../matrix/vocabulary.ts';
import { isRecordExpectation } from './validate-result-record.ts';

export interface Annotation {
  type: string;
  description?: string;
}

/** What a conformance test says about itself through its annotations (set by the suites), with the catalog and
 *  the feature tag as fallbacks. `feature` is undefined for a test that is not a conformance test at all. */
export interface TestMetadata {
  id: string;
  feature?: Feature;
  variant: Variant;
  expected: ExpectedOutcome;
  nonDiscriminating?: string;
  skipReason?: string;
  /** A suite marked the test as not run because the cell's infrastructure failed. */
  infraError?: string;
}

export function readTestMetadata(title: string, tags: readonly string[], annotations: readonly Annotation[]): TestMetadata {
  const first = (type: string) => annotations.find((a) => a.type === type);
  const id = first('test-id')?.description ?? title;
  const catalog = TEST_CATALOG.find((t) => t.id === id);
  const feature = asFeature(first('feature')?.description) ?? catalog?.feature ?? featureFromTags(tags);
  const variant = asVariant(first('variant')?.description) ?? catalog?.variant ?? 'positive';
  const nonDiscriminatingNote = first('non-discriminating');
  const expected = parseExpected(first('expected')?.description);
  const skip = first('skip') ?? first('fixme');
  return {
    id,
    feature,
    variant,
    expected,
    nonDiscriminating: nonDiscriminatingNote
      ? nonDiscriminatingNote.description || catalog?.nonDiscriminating || 'passes on any runtime'
      : expected.expect === 'pass' ? expected.nonDiscriminating : undefined,
    skipReason: skip ? skip.description || `test.${skip.type}() without a reason` : undefined,
    infraError: first('infra-error')?.description,
  };
}

/** Without an `expected` annotation a test is held to the strictest reading: it must pass. An annotation that is not
 *  an expectation the record schema takes (a field it does not know, a claim it does not name) is read the same way,
 *  saying so, rather than make the whole record one the report refuses. */
function parseExpected(json: string | undefined): ExpectedOutcome {
  if (!json) return { expect: 'pass', claim: 'supported' };
  try {
    const value: unknown = JSON.parse(json);
    if (isRecordExpectation(value)) return value;
  } catch {
    // fall through: a malformed annotation must not lose the test's result
  }
  return { expect: 'pass', claim: 'supported', reason: `unreadable expected annotation: ${json.slice(0, 80)}` };
}

function featureFromTags(tags: readonly string[]): Feature | undefined {
  for (const tag of tags) {
    const feature = asFeature(tag.replace(/^@/, ''));
    if (feature) return feature;
  }
  return undefined;
}

function asFeature(value: string | undefined): Feature | undefined {
  return (FEATURES as readonly string[]).includes(value ?? '') ? (value as Feature) : undefined;
}

function asVariant(value: string | undefined): Variant | undefined {
  return (VARIANTS as readonly string[]).includes(value ?? '') ? (value as Variant) : undefined;
}

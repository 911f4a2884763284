import type { TestedStack, TestedStackGroup } from './compatibility-report.ts';
import { moreInHtml } from './markdown-budget.ts';
import { markdownCell } from './render-text.ts';

const LINES: [keyof TestedStack, string][] = [
  ['hardware', 'Hardware'], ['processor', 'Processor'], ['kernel', 'Kernel'], ['os', 'OS'], ['kubernetes', 'k8s'],
  ['containerd', 'containerd'], ['kustomize', 'Kustomize'], ['helm', 'Helm'],
];

/** The release notes' section, in their words and layout, ready to paste into the notes. `maxStacks` caps the
 *  stacks listed per platform (the rest are counted), for the release issue. Runner names and facts come from
 *  records, so they are escaped as any record text is. */
export function renderTestedStacksMarkdown(groups: readonly TestedStackGroup[], headingLevel = 3, maxStacks = Infinity): string {
  if (groups.length === 0) return 'No stack ran a test: there is nothing to list.\n';
  const hashes = '#'.repeat(headingLevel);
  const parts = ['This release has been tested on the following stacks:', ''];
  for (const group of groups) {
    parts.push(`${hashes} ${group.name}`, '');
    group.stacks.slice(0, maxStacks).forEach((stack, i) => {
      if (group.stacks.length > 1) parts.push(`${i > 0 ? '\n' : ''}Runner${stack.runners.length > 1 ? 's' : ''}: ${stack.runners.map(markdownCell).join(', ')}`, '');
      for (const [key, label] of LINES) {
        const value = stack[key];
        if (typeof value === 'string') parts.push(`* ${label}: ${markdownCell(value)}`);
      }
    });
    if (group.stacks.length > maxStacks) parts.push('', moreInHtml(group.stacks.length - maxStacks, 'more stacks'));
    parts.push('');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

export function stackLines(stack: TestedStack): [string, string][] {
  return LINES.flatMap(([key, label]) => (typeof stack[key] === 'string' ? [[label, stack[key] as string]] : []));
}

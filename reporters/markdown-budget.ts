/** A GitHub issue body or comment holds 65,536 characters; the release-issue Markdown stays under this, leaving
 *  room for a line a human adds above it. */
export const MARKDOWN_LIMIT = 60_000;

/** What a capped list says about what it left out: the HTML (and JSON) report holds everything. */
export function moreInHtml(count: number, what = 'more'): string {
  return `… ${count} ${what} in the HTML report`;
}

export interface FitOptions {
  /** Characters the section may take, newlines included. */
  budget: number;
  /** Lines always written first (a heading, a table header); they count against the budget. */
  head?: readonly string[];
  /** At most this many items, whatever the budget. */
  maxItems?: number;
  /** The closing line for `n` items left out (default: "… n more in the HTML report"). */
  more?: (n: number) => string;
}

/** A section of whole items (a list line, a table row, a block of lines) that fits its budget: items are taken in
 *  order while they fit, and the rest become one closing line. Items come worst first, so what is cut is the
 *  least urgent. */
export function fitItems(items: readonly string[], options: FitOptions): string[] {
  const more = options.more ?? ((n: number) => moreInHtml(n));
  const head = [...(options.head ?? [])];
  let used = head.reduce((sum, line) => sum + line.length + 1, 0);
  const limit = Math.min(items.length, options.maxItems ?? Infinity);
  const kept: string[] = [];
  for (let i = 0; i < limit; i++) {
    const item = items[i]!;
    const reserve = i + 1 < items.length ? more(items.length - i - 1).length + 2 : 0;
    if (used + item.length + 1 + reserve > options.budget) break;
    kept.push(item);
    used += item.length + 1;
  }
  const left = items.length - kept.length;
  return left ? [...head, ...kept, more(left)] : [...head, ...kept];
}

/** One line of at most `max` characters. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const CUT_NOTE = '\n\n… the rest of this report is cut to fit a GitHub issue: the HTML and JSON reports hold all of it.\n';

/** The last guard, after every section kept to its budget: should the sections ever add up past the limit, the
 *  text is cut at a line boundary and says so, rather than being refused by GitHub. */
export function enforceMarkdownLimit(markdown: string, limit = MARKDOWN_LIMIT): string {
  if (markdown.length < limit) return markdown;
  const room = limit - CUT_NOTE.length - 1;
  const cut = markdown.lastIndexOf('\n', room);
  return `${markdown.slice(0, cut > 0 ? cut : room).trimEnd()}${CUT_NOTE}`;
}

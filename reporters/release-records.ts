import type { ResultRecord } from './result-record.ts';
import type { ReportProfile } from './compatibility-report.ts';
import { RecordFold, type RecordFoldState } from './merge-records.ts';

/** Records of other releases (or of a runtime class not shipped), by release (or class): how many, and the first. */
type LeftOut = Map<string, { count: number; example: string }>;

/** What ReleaseRecords holds, as plain data another thread can receive (a structured clone). */
export interface ReleaseRecordsState {
  fold: RecordFoldState;
  others: LeftOut;
  unshipped: LeftOut;
}

/** Feeds a RecordFold the records of one release and counts the others, for one warning per other release. A record
 *  of a runtime variant the release does not ship (an imported runtime-rs job of kata CI, where the CoCo install
 *  enables only the Go shims) is left out too, with a warning: the grid grades what the release ships. */
export class ReleaseRecords {
  readonly fold = new RecordFold();
  private readonly others: LeftOut = new Map();
  private readonly unshipped: LeftOut = new Map();

  constructor(private readonly profile: ReportProfile) {}

  readonly add = (record: ResultRecord, file?: string): void => {
    if (record.release !== this.profile.release) {
      count(this.others, record.release, record);
      return;
    }
    const variant = record.cell.runtimeVariant;
    const spec = variant ? this.profile.platforms[record.cell.platform]?.runtimeVariants?.[variant] : undefined;
    if (variant && !spec?.shipped) {
      count(this.unshipped, spec ? spec.runtimeClass : `${record.cell.platform}+${variant}`, record);
      return;
    }
    this.fold.add(record, file);
  };

  state(): ReleaseRecordsState {
    return { fold: this.fold.state(), others: this.others, unshipped: this.unshipped };
  }

  /** Takes in what another ReleaseRecords took from the records that come after this one's (RecordFold.absorb): the
   *  counts add up, the example stays the first met. */
  absorb(later: ReleaseRecordsState): void {
    this.fold.absorb(later.fold);
    for (const [mine, theirs] of [[this.others, later.others], [this.unshipped, later.unshipped]] as const) {
      for (const [key, entry] of theirs) {
        const own = mine.get(key);
        if (own) own.count += entry.count;
        else mine.set(key, entry);
      }
    }
  }

  warnings(): string[] {
    const release = this.profile.release;
    return [
      ...[...this.others.entries()].map(([other, { count, example }]) => count === 1
        ? `record ${example} is for ${other}, not ${release}: left out`
        : `${count} records are for ${other}, not ${release} (e.g. ${example}): left out`),
      ...[...this.unshipped.entries()].map(([runtimeClass, { count, example }]) =>
        `${count === 1 ? `record ${example} runs` : `${count} records (e.g. ${example}) run`} runtime class ${runtimeClass}, which ${release} does not ship: left out of the grid`),
    ];
  }
}

function count(seen: LeftOut, key: string, record: ResultRecord): void {
  const entry = seen.get(key);
  if (entry) entry.count++;
  else seen.set(key, { count: 1, example: `${record.runId} (${record.runner}, ${record.cell.id})` });
}

import type { Executor } from '../db/database.ts';
import { villages, type VillageSettings } from '../db/schema/index.ts';
import { textsOf, type Texts } from '../village-texts.ts';

/** How old the villages' texts may grow while PostgreSQL answers (a village file re-imported meanwhile). */
const REFRESH_EVERY_MS = 60_000;

export type VillageTexts = { settings: Pick<VillageSettings, 'smsSenderNumber' | 'texts'> };

/** Every village's number and texts, as PostgreSQL holds them now. */
export const readVillageTexts = (db: Executor): Promise<VillageTexts[]> =>
  db.select({ settings: villages.settings }).from(villages).orderBy(villages.id);

/**
 * The villages' texts as last read from PostgreSQL, for what a webhook must say while it cannot read
 * them (a call answered from the spool). Read when the app is built, and again at most once a
 * minute after a webhook stored a message (PostgreSQL answered). A process can only be serving if
 * PostgreSQL answered at its start, so there is always a reading.
 */
export class OutageTexts {
  private known: VillageTexts[] = [];
  private readAt = 0;
  private reading?: Promise<void>;

  constructor(private readonly load: () => Promise<VillageTexts[]>, private readonly now: () => number = Date.now) {}

  async read(): Promise<void> {
    this.reading ??= this.load()
      .then((rows) => { this.known = rows; this.readAt = this.now(); })
      .finally(() => { this.reading = undefined; });
    return this.reading;
  }

  /** Reads them again, in the background, when the last reading is over a minute old; a failure keeps the last one. */
  refreshIfStale(): void {
    if (this.now() - this.readAt >= REFRESH_EVERY_MS) this.read().catch(() => {});
  }

  /**
   * The texts of the village a message was sent to: the village whose SMS number it is, else the
   * deployment's only village, else jifen's defaults (who sent it cannot be looked up now).
   */
  textsFor(recipient: string | undefined): Texts {
    const village = this.known.find((known) => recipient !== undefined && known.settings.smsSenderNumber === recipient)
      ?? (this.known.length === 1 ? this.known[0] : undefined);
    return textsOf(village);
  }
}

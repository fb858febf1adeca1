import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { log } from '../util/log.js';
import { type CsvRecord, findColumn, readDelimited, readFirstLine, readFirstRecord } from './csv.js';
import type { Dataset, Movie, RatingScale } from './dataset.js';
import { mergeDuplicates } from './duplicates.js';
import { growFloat32, growFloat64, growInt32, IdIndexer } from './growable.js';
import { IdMap, type RawId, toRawId } from './idmap.js';
import { Interactions } from './interactions.js';
import { parseTitle } from './titles.js';

/**
 * Which header column holds what. Without `rating` the rows are implicit events, and a pair's
 * value is its number of events.
 */
export interface ColumnMap {
  user: string;
  item: string;
  rating?: string;
  time?: string;
}

export interface ImportOptions {
  /** A delimited file with a header row. */
  ratingsFile: string;
  map: ColumnMap;
  /** Optional catalog with a header: the item column (or movieId/itemId/id), title, genres ('|'-separated). */
  moviesFile?: string;
  /** Field separator; default: guessed from the header among ',', ';', tab, '|' and '::'. */
  separator?: string;
  /** Dataset name; default: the ratings file's name without extension. */
  name?: string;
}

const MAP_KEYS = ['user', 'item', 'rating', 'time'] as const;

/**
 * Parses a column map written as `user=uid,item=mid,rating=stars,time=ts` (rating and time optional).
 *
 * @throws Error quoting the map for a missing '=', an unknown or repeated key, or no user/item.
 */
export function parseColumnMap(text: string): ColumnMap {
  const map: Partial<Record<(typeof MAP_KEYS)[number], string>> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`column map "${text}": "${part.trim()}" is not key=column`);
    const key = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (!(MAP_KEYS as readonly string[]).includes(key)) {
      throw new Error(`column map "${text}": unknown key '${key}'; keys are ${MAP_KEYS.join(', ')}`);
    }
    const k = key as (typeof MAP_KEYS)[number];
    if (map[k] !== undefined) throw new Error(`column map "${text}": '${key}' is given twice`);
    if (column === '') throw new Error(`column map "${text}": '${key}' names no column`);
    map[k] = column;
  }
  for (const required of ['user', 'item'] as const) {
    if (map[required] === undefined)
      throw new Error(`column map "${text}": '${required}=<column>' is required`);
  }
  return map as ColumnMap;
}

/**
 * Imports a user's own ratings or events file. Ids may be any strings; plain decimal integers
 * ("42", not "042") become numbers, as MovieLens ids are (see `toRawId`), so lookups by typed-in id
 * agree. The rating scale (min, max, step) is inferred; with no rating column every row is an
 * implicit event. Time may be epoch seconds, epoch milliseconds (recognised when every time is
 * above 1e11, i.e. after 1973 in ms or after year 5000 in seconds; converted to seconds with a
 * warning) or a date string; without a time column rows keep their order.
 *
 * Repeated (user, item) rows become one, so no pair can land in both train and test: implicit
 * events are summed (the value is the pair's event count), explicit ratings keep the latest by time
 * (on a tie, the later row). The merged row keeps the latest time; `dataset.warnings` says how many
 * rows were merged.
 *
 * @throws Error for a missing file, an unmapped or absent column (listing the header), or a row
 *   with the wrong number of fields, a non-numeric rating or an unreadable time (with `file:line`),
 *   or a file with no rows.
 */
export async function importRatings(options: ImportOptions): Promise<Dataset> {
  const file = options.ratingsFile;
  if (!existsSync(file))
    throw new Error(`importRatings: ratings file ${file} does not exist (option ratingsFile)`);
  for (const key of ['user', 'item'] as const) {
    if (!options.map?.[key])
      throw new Error(`importRatings: map.${key} is required (the column holding ${key} ids)`);
  }
  const separator = options.separator ?? (await guessSeparator(file));
  const header = await readFirstRecord(file, { separator });
  const column = (key: keyof ColumnMap): number => {
    const name = options.map[key];
    if (name === undefined) return -1;
    const index = findColumn(header, [name]);
    if (index < 0) {
      throw new Error(
        `${file}: column '${name}' (map.${key}) is not in the header; columns: ${header.join(', ')}`,
      );
    }
    return index;
  };
  const userCol = column('user');
  const itemCol = column('item');
  const ratingCol = column('rating');
  const timeCol = column('time');

  const movies: Movie[] = [];
  const items = new IdIndexer(new IdMap());
  if (options.moviesFile !== undefined)
    await readCatalog(options.moviesFile, options.map.item, items, movies);
  const users = new IdIndexer(new IdMap());
  const u = growInt32();
  const it = growInt32();
  const r = growFloat32();
  const t = growFloat64();
  await readDelimited(
    file,
    (record) => {
      checkFieldCount(record, header);
      u.push(users.add(idAt(record, userCol, options.map.user)));
      const itemId = idAt(record, itemCol, options.map.item);
      let item = items.lookup(itemId);
      if (item < 0) {
        item = items.add(itemId);
        movies.push({ movieId: itemId, title: String(itemId), year: null, genres: [] });
      }
      it.push(item);
      r.push(ratingCol < 0 ? 1 : ratingAt(record, ratingCol, options.map.rating!));
      t.push(timeCol < 0 ? t.length : timeAt(record, timeCol, options.map.time!));
      return undefined;
    },
    { separator, header: true },
  );
  if (r.length === 0) throw new Error(`${file}: no ratings below the header`);
  const warnings: string[] = [];
  const timestamps = t.finish();
  if (timeCol >= 0 && timestamps.every((time) => time > MS_EPOCH_THRESHOLD)) {
    for (let k = 0; k < timestamps.length; k++) timestamps[k] /= 1000;
    warnings.push(
      `${file}: every time in column '${options.map.time}' is above 1e11, so they were read as epoch milliseconds and converted to seconds`,
    );
  }
  const implicit = ratingCol < 0;
  const { columns, merged } = mergeDuplicates(
    { users: u.finish(), items: it.finish(), ratings: r.finish(), timestamps },
    implicit ? 'sum' : 'latest',
  );
  if (merged > 0) {
    warnings.push(
      implicit
        ? `${file}: ${merged} repeated (user, item) events merged; each pair's value is its event count`
        : `${file}: ${merged} repeated (user, item) ratings dropped, keeping each pair's latest by time`,
    );
  }
  const name = options.name ?? basename(file, extname(file));
  for (const warning of warnings) log.warn({ dataset: name }, warning);
  const ratings = columns.ratings;
  return {
    name,
    ratings: new Interactions(
      users.map.size,
      items.map.size,
      columns.users,
      columns.items,
      ratings,
      columns.timestamps,
    ),
    users: users.map,
    items: items.map,
    movies,
    scale: implicit ? { min: 1, max: maxOf(ratings), step: 0, implicit: true } : inferScale(ratings),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** Epoch seconds stay below this until the year 5138; epoch milliseconds pass it in 1973. */
const MS_EPOCH_THRESHOLD = 1e11;

function maxOf(values: Float32Array): number {
  let max = 1;
  for (let k = 0; k < values.length; k++) if (values[k] > max) max = values[k];
  return max;
}

/** Smallest step candidates tried, coarsest first; a scale matching none is continuous (step 0). */
const STEPS = [1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.01];

/** min, max and the coarsest step every rating is a multiple of (0 when none fits). */
export function inferScale(ratings: Float32Array): RatingScale {
  if (ratings.length === 0) return { min: 0, max: 0, step: 0, implicit: false };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const fits = STEPS.map(() => true);
  for (let k = 0; k < ratings.length; k++) {
    const value = ratings[k];
    if (value < min) min = value;
    if (value > max) max = value;
    for (let s = 0; s < STEPS.length; s++) {
      // Ratings are float32, so "0.1" is 0.1000000015: compare with a tolerance.
      if (fits[s] && Math.abs(value / STEPS[s] - Math.round(value / STEPS[s])) > 1e-4) fits[s] = false;
    }
  }
  const step = STEPS.find((_, s) => fits[s]) ?? 0;
  const round = (x: number) => (step > 0 ? Math.round(x / step) * step : x);
  return { min: round(min), max: round(max), step, implicit: false };
}

/** A row with more or fewer fields than the header has shifted columns (an unquoted separator, a cut line). */
function checkFieldCount(record: CsvRecord, header: readonly string[]): void {
  if (record.count !== header.length) {
    throw new Error(
      `${record.where()}: ${record.count} fields, but the header has ${header.length} (${header.join(', ')})`,
    );
  }
}

function idAt(record: CsvRecord, col: number, name: string): RawId {
  const text = record.text(col).trim();
  if (text === '') throw new Error(`${record.where()}: empty id in column '${name}'`);
  return toRawId(text);
}

function ratingAt(record: CsvRecord, col: number, name: string): number {
  const value = record.number(col);
  if (Number.isNaN(value)) {
    throw new Error(`${record.where()}: rating "${record.text(col)}" in column '${name}' is not a number`);
  }
  return value;
}

function timeAt(record: CsvRecord, col: number, name: string): number {
  const value = record.number(col);
  if (!Number.isNaN(value)) return value;
  const text = record.text(col).trim();
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) {
    throw new Error(`${record.where()}: time "${text}" in column '${name}' is neither a number nor a date`);
  }
  return parsed / 1000;
}

async function readCatalog(
  path: string,
  itemColumn: string,
  items: IdIndexer,
  movies: Movie[],
): Promise<void> {
  if (!existsSync(path))
    throw new Error(`importRatings: movies file ${path} does not exist (option moviesFile)`);
  const separator = await guessSeparator(path);
  const header = await readFirstRecord(path, { separator });
  const idCol = findColumn(header, [itemColumn, 'movieId', 'itemId', 'id']);
  if (idCol < 0) {
    throw new Error(
      `importRatings: movies file ${path} (option moviesFile) has no id column ('${itemColumn}', movieId, itemId or id); columns: ${header.join(', ')}`,
    );
  }
  const titleCol = findColumn(header, ['title', 'name']);
  const genresCol = findColumn(header, ['genres', 'genre']);
  await readDelimited(
    path,
    (record) => {
      checkFieldCount(record, header);
      const id = idAt(record, idCol, header[idCol]);
      if (items.lookup(id) >= 0) return undefined;
      const { title, year } =
        titleCol < 0 ? { title: String(id), year: null } : parseTitle(record.text(titleCol));
      const genres =
        genresCol < 0
          ? []
          : record
              .text(genresCol)
              .split('|')
              .map((g) => g.trim());
      items.add(id);
      movies.push({
        movieId: id,
        title,
        year,
        genres: genres.filter((g) => g !== '' && g !== '(no genres listed)'),
      });
      return undefined;
    },
    { separator, header: true },
  );
}

/** The separator of a header line: '::' if present, else the most frequent of , ; tab |. */
async function guessSeparator(path: string): Promise<string> {
  const line = await readFirstLine(path);
  if (line.includes('::')) return '::';
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t', '|']) {
    const count = line.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

import type { Interactions } from '../data/interactions.js';
import { rankingAtK } from '../eval/metrics.js';
import { byTime } from '../eval/split-helpers.js';
import { topK } from '../math/topk.js';
import { blendInto, type Normalisation, normaliseScores } from './alpha-hybrid-blend.js';
import { Als } from './als.js';
import { checkAborted, Recommender } from './base.js';
import { ContentModel } from './content.js';
import {
  foldInParts,
  nestStates,
  type Part,
  type PartHeaders,
  partParams,
  partUser,
  restorePart,
} from './ensemble-parts.js';
import type { ModelEntry } from './registry.js';
import type {
  Estimate,
  FitOptions,
  FoldedUser,
  ModelState,
  NewUserRatings,
  ParamSchema,
  ParamsOf,
  UserRef,
} from './types.js';

const schema = {
  alpha: {
    type: 'float',
    default: 0.5,
    min: 0,
    max: 1,
    description: 'weight of the collaborative side when tuneAlpha is off',
  },
  tuneAlpha: {
    type: 'bool',
    default: true,
    description: "pick α ∈ {0, 0.1, …, 1} by nDCG@10 on each user's latest training ratings",
  },
  validShare: {
    type: 'float',
    default: 0.2,
    min: 0.05,
    max: 0.5,
    description: "share of each user's training ratings, latest first, that α is tuned on",
  },
  normalisation: {
    type: 'enum',
    default: 'zscore',
    values: ['zscore', 'minmax'] as const,
    description: 'per-user scale both sides are put on before blending',
  },
  coldStart: {
    type: 'int',
    default: 3,
    min: 0,
    description: 'users with fewer training ratings are ranked by content alone',
  },
  factors: { type: 'int', default: 64, min: 1, max: 1024, description: 'ALS latent dimensions' },
  lsaDims: { type: 'int', default: 128, min: 1, max: 1024, description: "content model's LSA dimensions" },
  seed: { type: 'int', default: 42, description: 'seed of both sides' },
} satisfies ParamSchema;

export type HybridParams = ParamsOf<typeof schema>;

const ALPHA_GRID = Array.from({ length: 11 }, (_, k) => k / 10);
const TUNE_K = 10;

interface Parts {
  als: Als;
  content: ContentModel;
  /** Training ratings per item: the ranking of last resort. */
  popularity: Float32Array;
  /** Training ratings per user, for the cold-start threshold. */
  userCounts: Int32Array;
}

/**
 * Weighted hybrid (seed 003): score = α·collaborative + (1 − α)·content, each side normalised per
 * user over the catalog (alpha-hybrid-blend.ts). Collaborative is ALS (implicit), content the
 * `content` model's profile scores (FitOptions.movies gives it text). α is tuned on validation
 * carved from training (each user's latest `validShare` of ratings), then both sides are refitted
 * on all of training.
 *
 * Cold start: a user with fewer than `coldStart` ratings, or whom ALS cannot score, is ranked by
 * content alone; a user content cannot score either (no ratings at all) by popularity.
 */
export class AlphaHybrid extends Recommender<HybridParams> {
  readonly name = 'hybrid';
  private parts?: Parts;
  /** The α in use (tuned or given). */
  alpha = Number.NaN;
  /** Validation nDCG@10 of each α on ALPHA_GRID, empty when α was given. */
  alphaScores: number[] = [];

  constructor(params: Partial<HybridParams> = {}) {
    super(schema, 'hybrid', params);
  }

  async fit(train: Interactions, options: FitOptions = {}): Promise<this> {
    checkAborted(options.signal, this.name);
    if (train.size === 0) throw new Error('hybrid: cannot fit on an empty matrix (no ratings)');
    const side: FitOptions = {
      signal: options.signal,
      itemGenres: options.itemGenres,
      movies: options.movies,
    };
    let alpha = this.params.alpha;
    let alphaScores: number[] = [];
    const steps = this.params.tuneAlpha ? 2 : 1;
    if (this.params.tuneAlpha) {
      const { fitPart, held } = latestPerUser(train, this.params.validShare);
      if (held.size > 0) {
        const early = await this.fitParts(fitPart, side);
        alphaScores = this.gridScores(early, fitPart, held);
        // Ties go to the larger α: the collaborative side is the better-tested default.
        let best = 0;
        for (let k = 1; k < ALPHA_GRID.length; k++) if (alphaScores[k] >= alphaScores[best]) best = k;
        alpha = ALPHA_GRID[best];
      }
      options.onProgress?.(1, steps, 'hybrid: α tuned');
    }
    checkAborted(options.signal, this.name);
    const parts = await this.fitParts(train, side);
    options.onProgress?.(steps, steps, 'hybrid: fitted');
    this.parts = parts;
    this.alpha = alpha;
    this.alphaScores = alphaScores;
    this.train = train;
    return this;
  }

  private async fitParts(train: Interactions, options: FitOptions): Promise<Parts> {
    const { factors, lsaDims, seed } = this.params;
    const als = await new Als({ factors, seed }).fit(train, options);
    checkAborted(options.signal, this.name);
    const content = await new ContentModel({ lsaDims, seed }).fit(train, options);
    return {
      als,
      content,
      popularity: Float32Array.from(train.itemCounts()),
      userCounts: train.userCounts(),
    };
  }

  /** Mean nDCG@10 of each grid α over the users with held-out items (binary relevance). */
  private gridScores(parts: Parts, fitPart: Interactions, held: Map<number, Set<number>>): number[] {
    const sums = new Float64Array(ALPHA_GRID.length);
    const nItems = fitPart.nItems;
    const collab = new Float32Array(nItems);
    const content = new Float32Array(nItems);
    const out = new Float32Array(nItems);
    const skip = new Uint8Array(nItems);
    const csr = fitPart.byUser();
    for (const [u, relevant] of held) {
      skip.fill(0);
      for (let p = csr.indptr[u]; p < csr.indptr[u + 1]; p++) skip[csr.indices[p]] = 1;
      // The sides do not depend on α: score and normalise them once, then blend per grid point.
      const sides = normaliseSides(
        parts,
        u,
        this.params.coldStart,
        this.params.normalisation,
        collab,
        content,
      );
      ALPHA_GRID.forEach((a, k) => {
        blendSides(parts, sides, a, out, collab, content);
        sums[k] += rankingAtK(topK(out, TUNE_K, skip).ids, relevant, TUNE_K).ndcg;
      });
    }
    return Array.from(sums, (s) => s / held.size);
  }

  protected estimate(user: UserRef, item: number): Estimate {
    const out = new Float32Array(this.nItems);
    if (!this.scoreInto(user, out)) return { ok: false, reason: 'hybrid: cannot score this user' };
    return { ok: true, value: out[item] };
  }

  protected scoreInto(user: UserRef, out: Float32Array): boolean {
    const parts = this.requireParts();
    const n = out.length;
    const { coldStart, normalisation } = this.params;
    return scoreUser(
      parts,
      user,
      this.alpha,
      coldStart,
      normalisation,
      out,
      new Float32Array(n),
      new Float32Array(n),
    );
  }

  /** Both sides fold the user in; their states sit side by side under `als/…` and `content/…`. */
  protected foldInImpl(ratings: NewUserRatings): Omit<FoldedUser, 'model'> {
    return {
      seen: Int32Array.from(ratings.items),
      state: foldInParts(sidesOf(this.requireParts()), ratings),
    };
  }

  state(): ModelState {
    const { headers, arrays } = nestStates(sidesOf(this.requireParts()));
    return {
      params: { ...this.params },
      meta: { alpha: this.alpha, alphaScores: this.alphaScores, parts: headers },
      arrays,
    };
  }

  restore(state: ModelState, train: Interactions): void {
    const meta = state.meta as { alpha: unknown; alphaScores?: number[]; parts?: PartHeaders };
    if (typeof meta.alpha !== 'number' || !(meta.alpha >= 0 && meta.alpha <= 1)) {
      throw new Error(`hybrid.restore: alpha must be in [0, 1], got ${String(meta.alpha)}`);
    }
    const side = <T extends Recommender>(name: string, create: (p: Record<string, unknown>) => T): T =>
      restorePart('hybrid', create(partParams('hybrid', meta.parts, name)), name, meta.parts, state, train);
    const als = side('als', (p) => new Als(p));
    const content = side('content', (p) => new ContentModel(p));
    this.parts = {
      als,
      content,
      popularity: Float32Array.from(train.itemCounts()),
      userCounts: train.userCounts(),
    };
    this.alpha = meta.alpha;
    this.alphaScores = meta.alphaScores ?? [];
    this.train = train;
  }

  private requireParts(): Parts {
    this.requireTrain();
    return this.parts!;
  }
}

/**
 * The hybrid's scores for one user into `out` (collab/content are scratch of the same length).
 * Falls back from the blend to content alone (cold or ALS-less user), then to popularity.
 */
function scoreUser(
  parts: Parts,
  user: UserRef,
  alpha: number,
  coldStart: number,
  how: Normalisation,
  out: Float32Array,
  collab: Float32Array,
  content: Float32Array,
): boolean {
  blendSides(
    parts,
    normaliseSides(parts, user, coldStart, how, collab, content),
    alpha,
    out,
    collab,
    content,
  );
  return true;
}

/** Which sides could score the user. */
interface Sides {
  hasCollab: boolean;
  hasContent: boolean;
}

/** Each side's scores for the user, normalised into `collab` and `content`: the part of scoreUser that is the same for every α. */
function normaliseSides(
  parts: Parts,
  user: UserRef,
  coldStart: number,
  how: Normalisation,
  collab: Float32Array,
  content: Float32Array,
): Sides {
  const count = typeof user === 'number' ? parts.userCounts[user] : user.seen.length;
  const alsScores = count >= coldStart ? parts.als.scoreAll(partUser(user, 'als', parts.als)) : null;
  const contentScores = count > 0 ? parts.content.scoreAll(partUser(user, 'content', parts.content)) : null;
  return {
    hasCollab: alsScores !== null && normalisedCopy(alsScores, collab, how),
    hasContent: contentScores !== null && normalisedCopy(contentScores, content, how),
  };
}

/** `out` from the normalised sides (read, never written): the α-blend, one side alone, or popularity. */
function blendSides(
  parts: Parts,
  { hasCollab, hasContent }: Sides,
  alpha: number,
  out: Float32Array,
  collab: Float32Array,
  content: Float32Array,
): void {
  if (hasCollab && hasContent) blendInto(out, collab, content, alpha);
  else if (hasCollab) out.set(collab);
  else if (hasContent) out.set(content);
  else out.set(parts.popularity);
}

function normalisedCopy(scores: Float32Array, into: Float32Array, how: Normalisation): boolean {
  into.set(scores);
  return normaliseScores(into, how);
}

function sidesOf(parts: Parts): Part[] {
  return [
    ['als', parts.als],
    ['content', parts.content],
  ];
}

/**
 * Each user's latest `share` of ratings (by timestamp; at least one when they have 2 or more) held
 * out, the rest kept to fit on. `held` maps a user to their held-out items.
 */
export function latestPerUser(
  train: Interactions,
  share: number,
): { fitPart: Interactions; held: Map<number, Set<number>> } {
  const order = byTime(train);
  const counts = train.userCounts();
  const holdCount = Int32Array.from(counts, (c) => (c >= 2 ? Math.max(1, Math.floor(share * c)) : 0));
  const seen = new Int32Array(train.nUsers);
  const held = new Map<number, Set<number>>();
  const keep: number[] = [];
  for (let j = 0; j < order.length; j++) {
    const k = order[j];
    const u = train.users[k];
    // Rows come oldest first: the first c − h of each user stay, the last h are held.
    if (seen[u]++ < counts[u] - holdCount[u]) keep.push(k);
    else {
      const set = held.get(u) ?? new Set<number>();
      set.add(train.items[k]);
      held.set(u, set);
    }
  }
  keep.sort((a, b) => a - b);
  return { fitPart: train.subset(keep), held };
}

export const hybridEntry: ModelEntry = {
  name: 'hybrid',
  description:
    'α·ALS + (1−α)·content on per-user normalised scores, α tuned on validation; content then popularity for cold users',
  kind: 'ranking',
  schema,
  create: (params) => new AlphaHybrid(params as Partial<HybridParams>),
};

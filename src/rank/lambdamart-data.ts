/** Input checks for LambdaMART: bad input is a clear error naming the row and feature, never NaN scores. */

export interface RankingData {
  /** Row-major nRows × nFeatures. */
  features: Float32Array;
  nFeatures: number;
  /** Graded relevance per row (0 = not relevant), e.g. 0..4. */
  labels: Float32Array;
  /** Query (user) boundaries: rows of group g are groups[g] .. groups[g+1]-1; length nGroups+1, groups[0] = 0. */
  groups: Int32Array;
}

/** Labels above this would make the gain 2^label − 1 lose all precision in a float. */
export const MAX_LABEL = 31;

/** Throws unless every feature is finite; `where` names the caller ("LambdaMart.fit (train)"). */
export function checkFeatures(where: string, features: Float32Array, nFeatures: number): number {
  if (!Number.isInteger(nFeatures) || nFeatures < 1) {
    throw new Error(`${where}: nFeatures must be a positive integer, got ${nFeatures}`);
  }
  if (features.length % nFeatures !== 0) {
    throw new Error(
      `${where}: features has ${features.length} values, not a multiple of nFeatures ${nFeatures}`,
    );
  }
  for (let i = 0; i < features.length; i++) {
    const v = features[i];
    if (!Number.isFinite(v)) {
      const row = Math.floor(i / nFeatures);
      throw new Error(
        `${where}: feature ${i - row * nFeatures} of row ${row} is ${v}; features must be finite`,
      );
    }
  }
  return features.length / nFeatures;
}

/** Checks shapes, features, labels and group boundaries; returns the row count. */
export function checkRankingData(where: string, data: RankingData): number {
  const nRows = checkFeatures(where, data.features, data.nFeatures);
  const { labels, groups } = data;
  if (labels.length !== nRows) {
    throw new Error(`${where}: ${labels.length} labels for ${nRows} feature rows`);
  }
  for (let r = 0; r < nRows; r++) {
    const l = labels[r];
    if (!(l >= 0 && l <= MAX_LABEL)) {
      throw new Error(`${where}: label of row ${r} is ${l}; labels must be in [0, ${MAX_LABEL}]`);
    }
  }
  if (groups.length < 2 || groups[0] !== 0 || groups[groups.length - 1] !== nRows) {
    throw new Error(
      `${where}: groups must start at 0 and end at the row count ${nRows} (got ${groups.length} boundaries, ` +
        `first ${groups[0]}, last ${groups[groups.length - 1]})`,
    );
  }
  for (let g = 0; g + 1 < groups.length; g++) {
    if (groups[g + 1] < groups[g]) {
      throw new Error(
        `${where}: groups must not decrease (group ${g} runs ${groups[g]} .. ${groups[g + 1]})`,
      );
    }
  }
  return nRows;
}

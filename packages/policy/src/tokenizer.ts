/** The text and, for every token, the `[start, end)` character range it decoded to. */
export interface DecodedWithOffsets {
  text: string;
  /** `offsets[i]` is the character range of token `i` in `text`; special tokens get an empty range. */
  offsets: Array<[number, number]>;
}

/**
 * What a trainer needs from a policy's tokenizer: round trips between text and ids, and the
 * character span of each token, so it can find the tokens of `"action":` from the decoded text
 * rather than from hard-coded ids (RL4VLM spec §3.3).
 */
export interface PolicyTokenizer {
  /** Number of ids. */
  readonly vocabSize: number;
  /** The end-of-sequence id. */
  readonly eosId: number;
  /** The padding id. */
  readonly padId: number;
  /** Ids of `text`, without special tokens. */
  encode(text: string): number[];
  /** Text of `ids`, skipping special tokens. */
  decode(ids: readonly number[]): string;
  /** Text of `ids` and the character range of every token. */
  decodeWithOffsets(ids: readonly number[]): DecodedWithOffsets;
}

/**
 * The tokens that overlap the character range `[charStart, charEnd)`, as a `[first, last + 1)`
 * token range; `undefined` when no token does.
 *
 * @example
 * const { text, offsets } = tokenizer.decodeWithOffsets(generation.tokenIds);
 * const at = text.lastIndexOf('"action":');
 * const span = tokenRangeOfChars(offsets, at, at + '"action":'.length); // e.g. [17, 20]
 */
export function tokenRangeOfChars(
  offsets: ReadonlyArray<readonly [number, number]>,
  charStart: number,
  charEnd: number,
): [number, number] | undefined {
  let first = -1;
  let last = -1;
  for (let i = 0; i < offsets.length; i++) {
    const [s, e] = offsets[i]!;
    if (e <= s) continue;
    if (s < charEnd && e > charStart) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? undefined : [first, last + 1];
}

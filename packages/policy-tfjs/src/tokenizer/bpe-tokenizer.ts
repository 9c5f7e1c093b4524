import type { DecodedWithOffsets, PolicyTokenizer } from '@rl4vlm/policy';

/** The special tokens every built-in tokenizer has, with fixed ids. */
export const SPECIAL_TOKENS = { pad: '<pad>', eos: '</s>', unk: '<unk>', image: '<image>' } as const;
const SPECIAL_LIST: readonly string[] = [
  SPECIAL_TOKENS.pad,
  SPECIAL_TOKENS.eos,
  SPECIAL_TOKENS.unk,
  SPECIAL_TOKENS.image,
];

/** Printable ASCII plus newline and tab: always in the base vocabulary, so any English text encodes. */
const BASE_CHARS = ['\n', '\t', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];

const isDigit = (s: string) => /\d/.test(s);
const pairKey = (a: string, b: string) => `${a}\u0000${b}`;

/** Options of {@link BpeTokenizer.fit}. */
export interface FitOptions {
  /** Target vocabulary size, special tokens and base characters included. Default 512. */
  vocabSize?: number;
  /** Pairs seen fewer times than this are not merged. Default 2. */
  minFrequency?: number;
}

/**
 * A character-level BPE tokenizer without pre-tokenisation (merges may span spaces), stored as a
 * standard Hugging Face `tokenizer.json` (BPE model, `Fuse` decoder), so `@huggingface/tokenizers`
 * and the Rust `tokenizers` library read it and give the same ids. Digits are never merged:
 * numbers are spelled digit by digit, which makes reading and writing numbers learnable.
 *
 * @example
 * const tok = BpeTokenizer.fit(prompts.concat(replies), { vocabSize: 512 });
 * fs.writeFileSync('tokenizer.json', JSON.stringify(tok.toJSON()));
 */
export class BpeTokenizer implements PolicyTokenizer {
  readonly vocab: readonly string[];
  readonly merges: ReadonlyArray<readonly [string, string]>;
  readonly eosId = 1;
  readonly padId = 0;
  readonly unkId = 2;
  readonly imageId = 3;
  private readonly ids = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();

  constructor(vocab: readonly string[], merges: ReadonlyArray<readonly [string, string]>) {
    for (let i = 0; i < SPECIAL_LIST.length; i++) {
      if (vocab[i] !== SPECIAL_LIST[i])
        throw new Error(`Token ${i} must be ${SPECIAL_LIST[i]}, got ${JSON.stringify(vocab[i])}`);
    }
    this.vocab = vocab;
    this.merges = merges;
    vocab.forEach((t, i) => {
      this.ids.set(t, i);
    });
    merges.forEach(([a, b], i) => {
      this.ranks.set(pairKey(a, b), i);
    });
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Fits merges to `texts` (deterministically: ties go to the lexicographically smallest pair). */
  static fit(texts: readonly string[], { vocabSize = 512, minFrequency = 2 }: FitOptions = {}): BpeTokenizer {
    const vocab: string[] = [...SPECIAL_LIST];
    const seen = new Set<string>(vocab);
    const add = (t: string) => {
      if (!seen.has(t)) {
        seen.add(t);
        vocab.push(t);
      }
    };
    for (const c of BASE_CHARS) add(c);
    // Identical texts are counted once with a weight, which keeps fitting fast on repetitive corpora.
    const weights = new Map<string, number>();
    for (const text of texts) {
      for (const segment of splitSpecial(text)) {
        if (typeof segment === 'string' && segment) weights.set(segment, (weights.get(segment) ?? 0) + 1);
      }
    }
    const words: { symbols: string[]; weight: number }[] = [];
    for (const [segment, weight] of weights) {
      const symbols = [...segment];
      for (const c of symbols) add(c);
      words.push({ symbols, weight });
    }
    const merges: [string, string][] = [];
    while (vocab.length < vocabSize) {
      const counts = new Map<string, number>();
      for (const { symbols, weight } of words) {
        for (let i = 0; i + 1 < symbols.length; i++) {
          const a = symbols[i]!;
          const b = symbols[i + 1]!;
          if (isDigit(a) || isDigit(b)) continue;
          const key = pairKey(a, b);
          counts.set(key, (counts.get(key) ?? 0) + weight);
        }
      }
      let best: string | undefined;
      let bestCount = minFrequency - 1;
      for (const [key, count] of counts) {
        if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
          best = key;
          bestCount = count;
        }
      }
      if (best === undefined) break;
      const [a, b] = best.split('\u0000') as [string, string];
      merges.push([a, b]);
      add(a + b);
      for (const word of words) word.symbols = mergePair(word.symbols, a, b);
    }
    return new BpeTokenizer(vocab, merges);
  }

  /** Reads a `tokenizer.json` written by {@link BpeTokenizer.toJSON}. */
  static fromJSON(json: unknown): BpeTokenizer {
    const model = (json as { model?: { type?: string; vocab?: Record<string, number>; merges?: unknown[] } })
      ?.model;
    if (model?.type !== 'BPE' || !model.vocab || !Array.isArray(model.merges)) {
      throw new Error('tokenizer.json: expected a BPE model with vocab and merges');
    }
    const vocab: string[] = [];
    for (const [token, id] of Object.entries(model.vocab)) vocab[id] = token;
    for (const added of (json as { added_tokens?: { id: number; content: string }[] }).added_tokens ?? [])
      vocab[added.id] = added.content;
    if (vocab.some((t) => t === undefined) || vocab.length !== Object.keys(model.vocab).length) {
      throw new Error('tokenizer.json: vocabulary ids must be 0..n-1 without gaps');
    }
    const merges = model.merges.map((m) =>
      Array.isArray(m) ? (m as [string, string]) : (String(m).split(' ') as [string, string]),
    );
    return new BpeTokenizer(vocab, merges);
  }

  /** The standard Hugging Face `tokenizer.json` object. */
  toJSON(): Record<string, unknown> {
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL_LIST.map((content, id) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: { type: 'Fuse' },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: SPECIAL_TOKENS.unk,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab: Object.fromEntries(this.vocab.map((t, i) => [t, i])),
        merges: this.merges.map(([a, b]) => [a, b]),
      },
    };
  }

  /** Ids of `text`; `<image>` (and the other special tokens) written in the text become their ids. */
  encode(text: string): number[] {
    const cached = this.cache.get(text);
    if (cached) return [...cached];
    const out: number[] = [];
    for (const segment of splitSpecial(text)) {
      if (typeof segment === 'number') out.push(segment);
      else if (segment) for (const t of this.bpe(segment)) out.push(this.ids.get(t) ?? this.unkId);
    }
    if (this.cache.size > 4096) this.cache.clear();
    this.cache.set(text, out);
    return [...out];
  }

  decode(ids: readonly number[]): string {
    return this.decodeWithOffsets(ids).text;
  }

  decodeWithOffsets(ids: readonly number[]): DecodedWithOffsets {
    let text = '';
    const offsets: Array<[number, number]> = [];
    for (const id of ids) {
      const token = id >= SPECIAL_LIST.length ? this.vocab[id] : undefined;
      if (token === undefined && (id < 0 || id >= this.vocab.length || !Number.isInteger(id))) {
        throw new RangeError(`Token id ${id} is outside the vocabulary (0..${this.vocab.length - 1})`);
      }
      const start = text.length;
      if (token !== undefined) text += token;
      offsets.push([start, text.length]);
    }
    return { text, offsets };
  }

  private bpe(segment: string): string[] {
    let symbols = [...segment];
    while (symbols.length > 1) {
      let bestRank = Number.POSITIVE_INFINITY;
      let best = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(pairKey(symbols[i]!, symbols[i + 1]!));
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const [a, b] = this.merges[bestRank]!;
      symbols = mergePair(symbols, a, b);
    }
    return symbols;
  }
}

function mergePair(symbols: string[], a: string, b: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(a + b);
      i++;
    } else out.push(symbols[i]!);
  }
  return out;
}

/** Splits text into plain segments and special-token ids. */
function splitSpecial(text: string): Array<string | number> {
  const out: Array<string | number> = [];
  const pattern = /<pad>|<\/s>|<unk>|<image>/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    out.push(text.slice(last, m.index), SPECIAL_LIST.indexOf(m[0]));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

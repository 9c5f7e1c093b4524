/** Which linear layers get LoRA adapters. */
export const LORA_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down', 'vision', 'projector'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

/** LoRA adapters: `W x + (alpha / rank) · B A x`, with B starting at zero. */
export interface LoraConfig {
  rank: number;
  alpha: number;
  /** Default: every language-model projection (`q k v o gate up down`). */
  targets?: LoraTarget[];
}

/** The architecture of a {@link TfjsPolicy}. Saved as `config.json`. */
export interface ModelConfig {
  /** The observation is downscaled to `imageSize × imageSize` inside the policy. */
  imageSize: number;
  /** Side of a square patch; `imageSize` must be a multiple. */
  patchSize: number;
  visionDim: number;
  visionLayers: number;
  visionHeads: number;
  visionFfn: number;
  /** Language-model width. */
  dim: number;
  layers: number;
  heads: number;
  /** SwiGLU hidden width. */
  ffn: number;
  vocabSize: number;
  /** Share the input embedding and the output projection. */
  tieEmbeddings: boolean;
  /** Hidden width of the value head MLP (`dim → valueHidden → valueHidden/2 → 1`). */
  valueHidden: number;
  ropeTheta: number;
  /** Seed of the weight initialisation. */
  initSeed: number;
  /**
   * The learning-rate multiplier of the vision encoder and projector (default 1). Trained at
   * the LM's rate from scratch, the encoder's features collapse to what every image shares
   * before the LM learns to use what differs; at 0.1 the tiny preset learns to read.
   */
  visionLearningRateScale?: number;
  lora?: LoraConfig;
}

/** Built-in presets, small enough to train on two CPU cores. */
export const PRESETS = {
  tiny: {
    imageSize: 64,
    patchSize: 16,
    visionDim: 64,
    visionLayers: 2,
    visionHeads: 4,
    visionFfn: 128,
    dim: 128,
    layers: 2,
    heads: 4,
    ffn: 320,
    vocabSize: 768,
    tieEmbeddings: true,
    valueHidden: 128,
    ropeTheta: 10000,
    initSeed: 1,
    visionLearningRateScale: 0.1,
  },
  small: {
    imageSize: 96,
    patchSize: 16,
    visionDim: 128,
    visionLayers: 4,
    visionHeads: 4,
    visionFfn: 256,
    dim: 256,
    layers: 4,
    heads: 8,
    ffn: 688,
    vocabSize: 1024,
    tieEmbeddings: true,
    valueHidden: 256,
    ropeTheta: 10000,
    initSeed: 1,
    visionLearningRateScale: 0.1,
  },
} satisfies Record<string, ModelConfig>;
export type PresetName = keyof typeof PRESETS;

/** Image tokens per image. */
export const imageTokens = (c: ModelConfig) => (c.imageSize / c.patchSize) ** 2;

/** Throws, naming the field, when a config cannot build a model. */
export function validateConfig(c: ModelConfig): ModelConfig {
  const positive = [
    'imageSize',
    'patchSize',
    'visionDim',
    'visionLayers',
    'visionHeads',
    'visionFfn',
    'dim',
    'layers',
    'heads',
    'ffn',
    'vocabSize',
    'valueHidden',
  ] as const;
  for (const k of positive) {
    if (!Number.isInteger(c[k]) || c[k] <= 0)
      throw new RangeError(`config.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.imageSize % c.patchSize)
    throw new RangeError(
      `config.imageSize (${c.imageSize}) must be a multiple of patchSize (${c.patchSize})`,
    );
  if (c.dim % c.heads || (c.dim / c.heads) % 2)
    throw new RangeError(`config.dim (${c.dim}) / heads (${c.heads}) must be an even integer`);
  if (c.visionDim % c.visionHeads)
    throw new RangeError(
      `config.visionDim (${c.visionDim}) must be a multiple of visionHeads (${c.visionHeads})`,
    );
  const scale = c.visionLearningRateScale;
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0))
    throw new RangeError(`config.visionLearningRateScale must be a number > 0, got ${scale}`);
  if (c.lora) {
    if (!Number.isInteger(c.lora.rank) || c.lora.rank <= 0)
      throw new RangeError(`config.lora.rank must be a positive integer, got ${c.lora.rank}`);
    for (const t of c.lora.targets ?? []) {
      if (!LORA_TARGETS.includes(t))
        throw new RangeError(`config.lora.targets: '${t}' is not one of ${LORA_TARGETS.join(', ')}`);
    }
  }
  return c;
}

/** The number of weights of each part of a model with this config (LoRA adapters counted apart). */
export function countParameters(c: ModelConfig): {
  vision: number;
  projector: number;
  language: number;
  valueHead: number;
  lora: number;
  total: number;
} {
  const patchIn = c.patchSize * c.patchSize * 3;
  const vision =
    patchIn * c.visionDim +
    imageTokens(c) * c.visionDim +
    c.visionLayers * (4 * c.visionDim * c.visionDim + 2 * c.visionDim * c.visionFfn + 2 * c.visionDim) +
    c.visionDim;
  const projector = c.visionDim * c.dim + c.dim * c.dim;
  const language =
    c.vocabSize * c.dim * (c.tieEmbeddings ? 1 : 2) +
    c.layers * (4 * c.dim * c.dim + 3 * c.dim * c.ffn + 2 * c.dim) +
    c.dim;
  const valueHead =
    c.dim * c.valueHidden +
    c.valueHidden +
    c.valueHidden * (c.valueHidden / 2) +
    c.valueHidden / 2 +
    c.valueHidden / 2 +
    1;
  let lora = 0;
  if (c.lora) {
    const r = c.lora.rank;
    const t = new Set(c.lora.targets ?? ['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
    const lm = (has: boolean, i: number, o: number) => (has ? r * (i + o) : 0);
    lora +=
      c.layers *
      (lm(t.has('q'), c.dim, c.dim) +
        lm(t.has('k'), c.dim, c.dim) +
        lm(t.has('v'), c.dim, c.dim) +
        lm(t.has('o'), c.dim, c.dim));
    lora +=
      c.layers *
      (lm(t.has('gate'), c.dim, c.ffn) + lm(t.has('up'), c.dim, c.ffn) + lm(t.has('down'), c.ffn, c.dim));
    if (t.has('vision'))
      lora += c.visionLayers * (4 * r * 2 * c.visionDim + 2 * r * (c.visionDim + c.visionFfn));
    if (t.has('projector')) lora += r * (c.visionDim + c.dim) + r * 2 * c.dim;
  }
  return {
    vision,
    projector,
    language,
    valueHead,
    lora,
    total: vision + projector + language + valueHead + lora,
  };
}

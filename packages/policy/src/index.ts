/**
 * `@rl4vlm/policy`: the policy contract of rl4vlm (no tensor library), a registry of policy
 * kinds and the scripted baselines.
 * @packageDocumentation
 */

export { builtinPolicies, builtinPolicies as default, createPolicyRegistry } from './builtins.js';
export {
  InvalidPolicyManifestError,
  POLICY_PREFIX_PATTERN,
  POLICY_SPECIFICATION_VERSION,
  type PolicyFactorySpec,
  type PolicyOptions,
  type PolicyPluginManifest,
  validatePolicyManifest,
} from './manifest.js';
export { type OracleFn, OraclePolicy } from './oracle-policy.js';
export {
  type GenerateOptions,
  type Generation,
  type Prompt,
  type PromptWithInfo,
  rowSeeds,
  type VlmPolicy,
} from './policy.js';
export {
  jsonActionReply,
  LEGAL_LABEL_INFO_KEYS,
  type LegalLabels,
  RandomPolicy,
  type RandomPolicyOptions,
} from './random-policy.js';
export { PolicyRegistry, parsePolicyId, UnknownPolicyError } from './registry.js';
export { type DecodedWithOffsets, type PolicyTokenizer, tokenRangeOfChars } from './tokenizer.js';
export {
  isTrainablePolicy,
  type ScoreItem,
  type ScoreOptions,
  type ScoreResult,
  type TrainablePolicy,
} from './trainable.js';

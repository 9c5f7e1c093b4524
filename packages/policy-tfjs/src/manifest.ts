import { POLICY_SPECIFICATION_VERSION, type PolicyPluginManifest } from '@rl4vlm/policy';
import { pathExists } from './checkpoint-files.js';
import { type LoraConfig, type ModelConfig, PRESETS, type PresetName } from './config.js';
import { TfjsPolicy } from './tfjs-policy.js';

/**
 * The plugin manifest: `tfjs:<preset>` (`tiny`, `small`) builds a fresh model,
 * `tfjs:<dir>` loads a checkpoint. Options: `{ lora?, config?, corpus? }` for presets.
 */
const manifest: PolicyPluginManifest = {
  specificationVersion: POLICY_SPECIFICATION_VERSION,
  name: '@rl4vlm/policy-tfjs',
  version: '0.1.0',
  description: 'A trainable LLaVA-style VLM on TensorFlow.js',
  policies: [
    {
      id: 'tfjs',
      description: `a TensorFlow.js VLM: tfjs:<preset> (${Object.keys(PRESETS).join(', ')}) or tfjs:<checkpoint dir>`,
      create: async (arg, options) => {
        const name = arg ?? 'tiny';
        if (name in PRESETS) {
          return TfjsPolicy.create(name as PresetName, {
            lora: options.lora as LoraConfig | undefined,
            config: options.config as Partial<ModelConfig> | undefined,
            corpus: options.corpus as string[] | undefined,
          });
        }
        if (pathExists(name)) return TfjsPolicy.fromDirectory(name);
        throw new Error(
          `tfjs:${name} is neither a preset (${Object.keys(PRESETS).join(', ')}) nor an existing checkpoint directory`,
        );
      },
    },
  ],
};

export default manifest;

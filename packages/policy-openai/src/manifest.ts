import { POLICY_SPECIFICATION_VERSION, type PolicyPluginManifest } from '@rl4vlm/policy';
import { OpenAIPolicy, type OpenAIPolicyOptions } from './openai-policy.js';

/**
 * The `openai` policy kind: `openai:<model>`, with options `{ baseURL, apiKey, concurrency, … }`
 * (see {@link OpenAIPolicyOptions}); `OPENAI_BASE_URL` and `OPENAI_API_KEY` are read when unset.
 */
const manifest: PolicyPluginManifest = {
  specificationVersion: POLICY_SPECIFICATION_VERSION,
  name: '@rl4vlm/policy-openai',
  version: '0.1.0',
  description: 'Any OpenAI-compatible chat-completions endpoint with image input',
  policies: [
    {
      id: 'openai',
      description:
        'openai:<model> — an OpenAI-compatible chat-completions endpoint (OPENAI_BASE_URL, OPENAI_API_KEY)',
      create: (model, options) => {
        if (!model)
          throw new TypeError("Policy id 'openai' needs a model name: openai:<model>, e.g. openai:gpt-4o");
        return new OpenAIPolicy({ ...(options as Partial<OpenAIPolicyOptions>), model });
      },
    },
  ],
};

export default manifest;

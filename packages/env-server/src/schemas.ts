/** JSON Schemas (draft 2020-12) of what `/schema` declares: action, observation and state. */
export interface EnvSchemas {
  action: Record<string, unknown>;
  observation: Record<string, unknown>;
  state: Record<string, unknown>;
}

/** The schemas for an env whose action labels are `labels` (a labelled `Discrete`), or free actions. */
export function envSchemas(labels: readonly string[] | null, hasText: boolean): EnvSchemas {
  const actionValue = labels
    ? {
        oneOf: [
          { type: 'string', enum: [...labels], description: 'an action label' },
          { type: 'integer', minimum: 0, maximum: labels.length - 1, description: 'an action index' },
        ],
      }
    : { type: ['string', 'integer'], description: "an action the env's action space contains" };
  const byAction = {
    type: 'object',
    title: 'ActionByLabel',
    properties: { action: actionValue, metadata: { type: 'object' } },
    required: ['action'],
    additionalProperties: false,
  };
  const byReply = {
    type: 'object',
    title: 'ActionByReply',
    properties: {
      reply: {
        type: 'string',
        description: "a model's free-text reply, parsed by the env's text layer; the result is in info.parse",
      },
      metadata: { type: 'object' },
    },
    required: ['reply'],
    additionalProperties: false,
  };
  return {
    action: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Action',
      oneOf: hasText ? [byReply, byAction] : [byAction],
    },
    observation: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Observation',
      type: 'object',
      properties: {
        prompt: { type: ['string', 'null'], description: "the text layer's prompt; one <image> per image" },
        images: {
          type: 'array',
          items: { type: 'string', contentEncoding: 'base64', contentMediaType: 'image/png' },
        },
        action_labels: { type: ['array', 'null'], items: { type: 'string' } },
        info: { type: 'object', description: "the step's info, JSON-safe (images as PNG data URLs)" },
        terminated: { type: 'boolean' },
        truncated: { type: 'boolean' },
      },
      required: ['prompt', 'images', 'action_labels', 'info', 'terminated', 'truncated'],
      additionalProperties: false,
    },
    state: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'State',
      type: 'object',
      properties: {
        episode_id: { type: ['string', 'null'] },
        step_count: { type: 'integer', minimum: 0 },
        env_id: { type: 'string' },
        seed: { type: ['integer', 'null'] },
        done: { type: 'boolean' },
        episode_return: { type: 'number' },
      },
      required: ['episode_id', 'step_count', 'env_id', 'seed', 'done', 'episode_return'],
    },
  };
}

import type { Info, Prompt } from '@rl4vlm/env';
import { fetchServerMetadata, remoteEnvSpec, remoteUrls } from '@rl4vlm/env-server';
import { findOracle } from './oracle.js';
import type { PluginRegistry } from './plugin-registry.js';

/** The environment variable both `env-serve` and remote-env clients read the bearer token from. */
export const ENV_TOKEN_VARIABLE = 'RL4VLM_ENV_TOKEN';

/**
 * Makes a `remote:ws://…[,ws://…]` env id playable: asks every server for its `/metadata` (so a
 * server that is down, a wrong token or servers that serve different envs fail before any work),
 * then registers a spec that spreads the run's envs over the servers round-robin. Other ids are
 * left alone.
 */
export async function addRemoteEnv(registry: PluginRegistry, envId: string): Promise<void> {
  if (!envId.startsWith('remote:')) return;
  const urls = remoteUrls(envId);
  const token = process.env[ENV_TOKEN_VARIABLE] || undefined;
  const metadata = await Promise.all(urls.map((url) => fetchServerMetadata(url, { token })));
  const served = [...new Set(metadata.map((m) => m.env_id))];
  if (served.length > 1)
    throw new Error(
      `The servers of '${envId}' serve different envs:\n${urls.map((u, i) => `  - ${u}: ${metadata[i]!.env_id}`).join('\n')}`,
    );
  const servedId = served[0]!;
  const { text_options: text, kwargs, action_labels: actionLabels } = metadata[0]!;
  // The served env's expert, when the same env is installed here (it reads the info the server sends),
  // with the server's text options and kwargs.
  const expert = registry.envs.has(servedId)
    ? findOracle(registry, servedId, { text: text ?? {}, kwargs: kwargs ?? {} })
    : undefined;
  registry.envs.register(
    remoteEnvSpec(envId, {
      // findOracle's experts answer synchronously (spec oracles and createOracle(...).reply both do).
      oracle: expert && (() => expert as (prompt: Prompt, info: Info) => string),
      token,
      actionLabels,
      description: `${servedId} served by ${urls.join(', ')}`,
      onLog: (line) => process.stderr.write(`${line}\n`),
    }),
    { override: true },
  );
}

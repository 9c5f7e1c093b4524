/**
 * `@rl4vlm/env-server`: serve any registered rl4vlm env over OpenEnv's WebSocket protocol, and use
 * such servers as remote envs of a registry.
 * @packageDocumentation
 */

export {
  EnvClient,
  type EnvClientOptions,
  EnvConnectionError,
  EnvServerError,
  httpBase,
  sessionUrl,
} from './client.js';
export { pngDataUrl, toJsonSafe } from './json-safe.js';
export {
  type ClientMessage,
  ERROR_CODES,
  type ErrorCode,
  type ErrorMessage,
  type ObservationMessage,
  ProtocolError,
  parseClientMessage,
  type ResetData,
  type ServerMessage,
  type StateMessage,
  type StepData,
  type WireObservation,
} from './protocol.js';
export {
  RemoteEnv,
  type RemoteEnvOptions,
  type RemoteEnvSpecOptions,
  type RemoteFailureInfo,
  type RemoteObservation,
  remoteEnvSpec,
  remoteText,
  remoteUrls,
} from './remote-env.js';
export { type EnvSchemas, envSchemas } from './schemas.js';
export { createEnvServer, type EnvServer, type EnvServerOptions, type EnvServerStats } from './server.js';
export { fetchServerMetadata, type ServerMetadata } from './server-info.js';
export { actionLabelsOf, EnvSession, type SessionEnv } from './session.js';

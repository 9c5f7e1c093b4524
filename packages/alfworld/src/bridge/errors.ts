/** How to install ALFWorld on the Python side (the README has the full setup). */
export const ALFWORLD_INSTALL_COMMAND = 'pip install "alfworld[full]==0.3.2" && alfworld-download';

/** Error codes of the sidecar protocol (spec `alfworld.md` §5), plus the client's own. */
export type SidecarErrorCode =
  | 'BAD_JSON'
  | 'BAD_REQUEST'
  | 'NOT_INITIALIZED'
  | 'BATCH_MISMATCH'
  | 'DEPENDENCY_MISSING'
  | 'DATA_MISSING'
  | 'THOR_UNAVAILABLE'
  | 'ENV_TIMEOUT'
  | 'ENV_CRASH'
  | 'STEP_AFTER_DONE'
  | 'INTERNAL'
  | 'PYTHON_NOT_FOUND'
  | 'PROTOCOL';

/** Anything that went wrong with the sidecar; `code` says what, `retryable` whether a restart may help. */
export class SidecarError extends Error {
  readonly code: SidecarErrorCode;
  readonly retryable: boolean;
  /** The Python traceback or the sidecar's last stderr lines, when there are any. */
  readonly details?: string;

  constructor(
    code: SidecarErrorCode,
    message: string,
    { retryable = false, details }: { retryable?: boolean; details?: string } = {},
  ) {
    super(details ? `${message}\n--- sidecar output ---\n${details}` : message);
    this.name = 'SidecarError';
    this.code = code;
    this.retryable = retryable;
    this.details = details;
  }
}

/** The sidecar did not answer within the request's deadline; it has been killed. */
export class SidecarTimeoutError extends SidecarError {
  constructor(op: string, timeoutMs: number, details?: string) {
    super('ENV_TIMEOUT', `ALFWorld sidecar did not answer '${op}' within ${timeoutMs} ms; it was killed`, {
      retryable: true,
      details,
    });
    this.name = 'SidecarTimeoutError';
  }
}

/** The sidecar process exited while a request was pending (or before it was ready). */
export class SidecarCrashError extends SidecarError {
  constructor(what: string, details?: string) {
    super('ENV_CRASH', `ALFWorld sidecar exited ${what}`, { retryable: true, details });
    this.name = 'SidecarCrashError';
  }
}

/** The Python interpreter could not be started. */
export class PythonNotFoundError extends SidecarError {
  constructor(python: string, cause: string) {
    super(
      'PYTHON_NOT_FOUND',
      `Python executable '${python}' could not be started (${cause}). Install Python 3.9+ and ALFWorld ` +
        `(${ALFWORLD_INSTALL_COMMAND}), then point the bridge at that interpreter with the 'python' option ` +
        `or the ALFWORLD_PYTHON environment variable.`,
    );
    this.name = 'PythonNotFoundError';
  }
}

/** The `alfworld` Python module (or one it needs) is not installed for the chosen interpreter. */
export class AlfworldNotInstalledError extends SidecarError {
  constructor(python: string, message: string) {
    super(
      'DEPENDENCY_MISSING',
      `${message}\nInterpreter: ${python}. Install with: ${ALFWORLD_INSTALL_COMMAND}`,
    );
    this.name = 'AlfworldNotInstalledError';
  }
}

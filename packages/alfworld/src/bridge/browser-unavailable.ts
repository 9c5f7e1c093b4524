/** The error the browser build's bridge stand-ins throw: the ALFWorld bridge spawns Python. */
export function bridgeNeedsNode(what: string): Error {
  return new Error(
    `${what} runs Python ALFWorld as a child process and needs Node; the browser build of @rl4vlm/alfworld has the TypeScript household engine (alfworld/Household-v0) only`,
  );
}

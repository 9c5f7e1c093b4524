/**
 * Python's `repr()` of a string (CPython rules for printable text): single quotes unless the
 * text holds a single quote and no double quote; backslash, quote and control characters
 * escaped. RL4VLM puts `repr(obs_list)` into its ALFWorld prompt, so the prompt shows `\n` and
 * quotes exactly as Python prints them.
 */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a list of strings: `['a', "b's"]`. */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonRepr).join(', ')}]`;
}

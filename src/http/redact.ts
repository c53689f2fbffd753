// Secrets never leave the parser: auth headers and cookies are dropped as headers are parsed, and
// key-shaped strings are scrubbed from any text we keep (a prompt can quote an API key).

const SECRET_HEADERS = new Set([
  'authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie', 'set-cookie',
  'x-goog-api-key', 'openai-organization', 'openai-project', 'anthropic-api-key', 'x-auth-token',
]);

/** True for a header whose value must never be stored. */
export const isSecretHeader = (lowerName: string): boolean =>
  SECRET_HEADERS.has(lowerName) || /(^|-)(token|secret|session|key)$/.test(lowerName);

const SECRET_TEXT = [
  /\bsk-ant-[A-Za-z0-9_-]{8,}/g,
  /\bsk-(proj-)?[A-Za-z0-9_-]{16,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(gh[pousr]_[A-Za-z0-9]{20,})/g,
];

/** Replaces key-shaped substrings with `[redacted]`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const re of SECRET_TEXT) out = out.replace(re, '[redacted]');
  return out;
}

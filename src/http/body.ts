// Content decoding of a captured body (gzip, br, deflate). A body cut short by the capture still
// yields what it has: zlib runs with a sync flush at the end instead of demanding the trailer.
import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { HttpMessage } from './types.js';

export type Decoded = { text: string } | { error: string };

export function decodeBody(msg: Pick<HttpMessage, 'headers' | 'body'>): Decoded {
  const enc = (msg.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  try {
    let raw: Buffer;
    if (enc === 'identity' || enc === '') raw = msg.body;
    else if (enc === 'gzip' || enc === 'x-gzip') raw = gunzipSync(msg.body, { finishFlush: constants.Z_SYNC_FLUSH });
    else if (enc === 'br') raw = brotliDecompressSync(msg.body, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
    else if (enc === 'deflate') raw = inflateDeflate(msg.body);
    else return { error: `unsupported content-encoding ${enc}` };
    return { text: raw.toString('utf8') };
  } catch (e) {
    return { error: `${enc} body: ${(e as Error).message}` };
  }
}

// "deflate" is zlib-wrapped per the RFC, but servers send raw deflate too.
function inflateDeflate(body: Buffer): Buffer {
  try {
    return inflateSync(body, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return inflateRawSync(body, { finishFlush: constants.Z_SYNC_FLUSH });
  }
}

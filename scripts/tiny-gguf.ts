// Writes a tiny llama-architecture GGUF with random weights: enough for node-llama-cpp to load and
// sample from, so the LLM tagger's mechanics (grammar-valid output, caching, stability, hybrid routing)
// are tested with a real local model. No usable weights exist on the npm registry, and none are needed.
// Usage: npx tsx scripts/tiny-gguf.ts OUT.gguf [--seed N]

import { writeFileSync } from 'node:fs';
import { seededRandom } from '../src/tag/random.js';

const T = { U32: 4, I32: 5, F32: 6, BOOL: 7, STR: 8, ARR: 9 } as const;

class Writer {
  private parts: Buffer[] = [];
  size = 0;
  push(b: Buffer) { this.parts.push(b); this.size += b.length; }
  u32(v: number) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
  i32(v: number) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.push(b); }
  u64(v: number) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
  f32(v: number) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.push(b); }
  str(s: string) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.push(b); }
  pad(align: number) { const n = (align - (this.size % align)) % align; if (n) this.push(Buffer.alloc(n)); }
  buffer() { return Buffer.concat(this.parts); }
}

type KV = [string, 'u32' | 'f32' | 'str' | 'bool', number | string | boolean] | [string, 'arr', 'str' | 'f32' | 'i32', (string | number)[]];

export function tinyGguf(seed = 1): Buffer {
  const nEmbd = 32, nFf = 64, nHead = 2, nLayer = 1;
  // SentencePiece-style vocab: specials, byte fallback tokens, then letters and word-start letters.
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [2, 3, 3];
  for (let i = 0; i < 256; i++) { tokens.push(`<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`); types.push(6); }
  for (const c of 'abcdefghijklmnopqrstuvwxyz') { tokens.push(c); types.push(1); tokens.push('\u2581' + c); types.push(1); }
  tokens.push('\u2581'); types.push(1);
  const nVocab = tokens.length;
  const kvs: KV[] = [
    ['general.architecture', 'str', 'llama'],
    ['general.name', 'str', 'agentpprof-tiny-test'],
    ['general.alignment', 'u32', 32],
    ['llama.context_length', 'u32', 1024],
    ['llama.embedding_length', 'u32', nEmbd],
    ['llama.block_count', 'u32', nLayer],
    ['llama.feed_forward_length', 'u32', nFf],
    ['llama.attention.head_count', 'u32', nHead],
    ['llama.attention.head_count_kv', 'u32', nHead],
    ['llama.rope.dimension_count', 'u32', nEmbd / nHead],
    ['llama.attention.layer_norm_rms_epsilon', 'f32', 1e-5],
    ['llama.vocab_size', 'u32', nVocab],
    ['tokenizer.ggml.model', 'str', 'llama'],
    ['tokenizer.ggml.tokens', 'arr', 'str', tokens],
    ['tokenizer.ggml.scores', 'arr', 'f32', tokens.map((_, i) => -i)],
    ['tokenizer.ggml.token_type', 'arr', 'i32', types],
    ['tokenizer.ggml.bos_token_id', 'u32', 1],
    ['tokenizer.ggml.eos_token_id', 'u32', 2],
    ['tokenizer.ggml.unknown_token_id', 'u32', 0],
    ['tokenizer.ggml.add_bos_token', 'bool', true],
  ];
  const tensors: [string, number[]][] = [
    ['token_embd.weight', [nEmbd, nVocab]],
    ['output_norm.weight', [nEmbd]],
    ['output.weight', [nEmbd, nVocab]],
  ];
  for (let l = 0; l < nLayer; l++) {
    tensors.push(
      [`blk.${l}.attn_norm.weight`, [nEmbd]], [`blk.${l}.attn_q.weight`, [nEmbd, nEmbd]], [`blk.${l}.attn_k.weight`, [nEmbd, nEmbd]],
      [`blk.${l}.attn_v.weight`, [nEmbd, nEmbd]], [`blk.${l}.attn_output.weight`, [nEmbd, nEmbd]], [`blk.${l}.ffn_norm.weight`, [nEmbd]],
      [`blk.${l}.ffn_gate.weight`, [nEmbd, nFf]], [`blk.${l}.ffn_up.weight`, [nEmbd, nFf]], [`blk.${l}.ffn_down.weight`, [nFf, nEmbd]],
    );
  }
  const w = new Writer();
  w.push(Buffer.from('GGUF'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kvs.length);
  for (const kv of kvs) {
    w.str(kv[0]);
    if (kv[1] === 'arr') {
      w.u32(T.ARR);
      const [, , et, vals] = kv;
      w.u32(et === 'str' ? T.STR : et === 'f32' ? T.F32 : T.I32);
      w.u64(vals.length);
      for (const v of vals) et === 'str' ? w.str(String(v)) : et === 'f32' ? w.f32(Number(v)) : w.i32(Number(v));
    } else if (kv[1] === 'u32') { w.u32(T.U32); w.u32(Number(kv[2])); }
    else if (kv[1] === 'f32') { w.u32(T.F32); w.f32(Number(kv[2])); }
    else if (kv[1] === 'bool') { w.u32(T.BOOL); w.push(Buffer.from([kv[2] ? 1 : 0])); }
    else { w.u32(T.STR); w.str(String(kv[2])); }
  }
  let offset = 0;
  const sizes = tensors.map(([, dims]) => dims.reduce((a, b) => a * b, 1) * 4);
  tensors.forEach(([name, dims], i) => {
    w.str(name);
    w.u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(0); // F32
    w.u64(offset);
    offset += Math.ceil(sizes[i] / 32) * 32;
  });
  w.pad(32);
  const rand = seededRandom(seed);
  tensors.forEach(([name], i) => {
    const data = Buffer.alloc(Math.ceil(sizes[i] / 32) * 32);
    const norm = name.endsWith('norm.weight');
    for (let j = 0; j < sizes[i] / 4; j++) data.writeFloatLE(norm ? 1 : (rand() - 0.5) * 0.5, j * 4);
    w.push(data);
  });
  return w.buffer();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) { console.error('usage: tiny-gguf.ts OUT.gguf [--seed N]'); process.exit(2); }
  const seedArg = process.argv.indexOf('--seed');
  writeFileSync(out, tinyGguf(seedArg > 0 ? Number(process.argv[seedArg + 1]) : 1));
}

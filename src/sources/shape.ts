// What a response contained (src/model.ts ResponseShape), shared by the readers.
import type { ResponseShape } from '../model.js';

export const emptyShape = (): ResponseShape => ({ toolUses: 0, textChars: 0, thinkingChars: 0, codeBlocks: 0, tools: [] });

/** ``` fences at line starts. */
export function fenceMarks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('```'); i !== -1; i = text.indexOf('```', i + 3)) {
    if (i === 0 || text[i - 1] === '\n') n++;
  }
  return n;
}

/** Fenced code blocks: pairs of fences. */
export const countFences = (text: string): number => fenceMarks(text) >> 1;

// A local GGUF model through node-llama-cpp (pinned 3.21.1): CPU only, threads = cores, the tag
// grammar enforced at sampling, greedy decoding. Loaded lazily so that nothing pays for it unless
// `--tagger llm|hybrid --model FILE.gguf` is given.

import { availableParallelism } from 'node:os';
import { installHint, isMissingPackage } from '../util/optional-package.js';
import type { LlmBackend } from './llm.js';

type Session = { prompt(text: string, opts: object): Promise<string>; resetChatHistory?(): void };

export class LlamaCppBackend implements LlmBackend {
  readonly model: string;
  private state: Promise<{ llama: any; context: any; grammars: Map<string, any>; Session: any }> | null = null;
  constructor(private readonly modelPath: string, private readonly threads = availableParallelism()) {
    this.model = `gguf:${modelPath.split('/').pop()}`;
  }

  private load() {
    return (this.state ??= (async () => {
      const { getLlama, LlamaChatSession } = await import('node-llama-cpp').catch((e: unknown) => {
        throw isMissingPackage(e, 'node-llama-cpp') ? new Error(installHint('node-llama-cpp', 'the local LLM tagger (--model FILE.gguf)')) : e;
      });
      const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as any });
      const model = await llama.loadModel({ modelPath: this.modelPath });
      const context = await model.createContext({ contextSize: 1024, threads: this.threads });
      return { llama, context, grammars: new Map(), Session: LlamaChatSession };
    })());
  }

  async complete(system: string, user: string, grammarText: string): Promise<string> {
    const st = await this.load();
    let grammar = st.grammars.get(grammarText);
    if (!grammar) {
      grammar = await st.llama.createGrammar({ grammar: grammarText });
      st.grammars.set(grammarText, grammar);
    }
    const sequence = st.context.getSequence();
    try {
      const session: Session = new st.Session({ contextSequence: sequence, systemPrompt: system });
      return await session.prompt(user, { grammar, maxTokens: 8, temperature: 0 });
    } finally {
      sequence.dispose();
    }
  }

  async dispose(): Promise<void> {
    if (!this.state) return;
    const st = await this.state;
    await st.context.dispose();
  }
}

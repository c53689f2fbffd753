// A bilingual intent lexicon: Chinese (and a few English) keywords → the English intent word used as a
// tag. Clustering uses it to name clusters whose distinctive term is Chinese, and rule suggestions
// use it so 修复 and fix land on one tag.

export const INTENT_LEXICON: Record<string, string> = {
  修复: 'fix', 修一: 'fix', 报错: 'error', 错误: 'error', 失败: 'fail', 为啥: 'debug', 调试: 'debug', 崩溃: 'crash',
  审查: 'review', 审核: 'review', 评审: 'review', 检查: 'check', 看看: 'inspect', 看下: 'inspect', 看一: 'inspect',
  提交: 'commit', 推送: 'push', 合并: 'merge', 分支: 'branch', 测试: 'test', 单测: 'test', 用例: 'test',
  文档: 'docs', 注释: 'docs', 说明: 'docs', 实现: 'implement', 添加: 'add', 新增: 'add', 功能: 'feature',
  修改: 'edit', 改成: 'edit', 改一: 'edit', 重构: 'refactor', 性能: 'perf', 优化: 'optimize', 部署: 'deploy',
  发布: 'release', 上线: 'deploy', 论文: 'paper', 调研: 'research', 继续: 'continue', 好的: 'confirm',
  可以: 'confirm', 嗯: 'confirm', 对: 'confirm', 解释: 'explain', 总结: 'summary', 翻译: 'translate',
  // English words of the same intents, so a cluster or a suggested rule is named like the default rules.
  commit: 'git', push: 'git', rebase: 'git', branch: 'git', merge: 'git', cherry: 'git',
  fix: 'debug', bug: 'debug', error: 'debug', crash: 'debug', fails: 'debug', failing: 'debug', broken: 'debug', why: 'debug',
  tests: 'test', unit: 'test', pytest: 'test', vitest: 'test', coverage: 'test',
  readme: 'docs', documentation: 'docs', docstring: 'docs', changelog: 'docs',
  docker: 'deploy', release: 'deploy', ship: 'deploy', staging: 'deploy', prod: 'deploy', kubernetes: 'deploy',
  cleanup: 'refactor', extract: 'refactor', simplify: 'refactor', rename: 'edit', change: 'edit',
  optimize: 'perf', faster: 'perf', slow: 'perf', latency: 'perf', benchmark: 'perf',
  review: 'review', critique: 'review', show: 'inspect', look: 'inspect', where: 'inspect', explain: 'inspect',
  next: 'continue', proceed: 'continue', paper: 'research', survey: 'research',
  // The intents name themselves.
  ...Object.fromEntries(['debug', 'test', 'docs', 'deploy', 'refactor', 'perf', 'inspect', 'continue', 'confirm', 'research',
    'code', 'edit', 'git', 'implement'].map((t) => [t, t])),
};

/** Politeness and filler: frequent in every kind of prompt, so they say nothing about the intent. */
const FILLER = new Set(('hey hi hello thx thanks thank please pls plz quick quickly keep minimal now just asap again one ' +
  'also really maybe last first new still actually kindly small bit little sure way thing things something stuff ' +
  'tested report').split(' '));

/** A term worth a rule: not filler; for CJK only words the intent lexicon knows (other bigrams are fragments). */
export function usefulTerm(t: string): boolean {
  if (/^[a-z]{1,2}$/.test(t)) return false;
  if (CJK_CHAR.test(t)) return t in INTENT_LEXICON;
  return !t.split(' ').some((w) => FILLER.has(w));
}

const CJK_CHAR = /[\u3400-\u9fff\uf900-\ufaff]/;

/** A valid tag from a keyword: the lexicon's word for CJK terms, else lowercase letters only, ≤ 12. */
export function keywordToTag(term: string): string | null {
  const word = term.split(' ')[0];
  const mapped = INTENT_LEXICON[word] ?? INTENT_LEXICON[word.slice(0, 2)] ?? INTENT_LEXICON[word.slice(0, 1)];
  const base = (mapped ?? word).toLowerCase().replace(/[^a-z]/g, '').slice(0, 12);
  return base.length >= 2 ? base : null;
}

// Human prompts of known intent in English, Chinese and mixed Chinese/English, the way people type to
// coding agents: short or long, polite or terse, with file names, error text and commands pasted in.
// Each template carries at least one word a person would use for that intent, so a reasonable rule set
// can tag it — but the fills, prefixes and suffixes vary so the set is not a handful of fixed strings.
import type { Rng } from './rng.js';

export const INTENTS = [
  'debug', 'review', 'git', 'test', 'docs', 'code', 'edit', 'refactor', 'perf', 'inspect',
  'continue', 'confirm', 'deploy', 'research',
] as const;
export type Intent = (typeof INTENTS)[number] | 'vague';
export type Lang = 'en' | 'zh' | 'mixed';

/** What the templates can name: filled from the session's project. */
export interface PromptSlots {
  file: string;
  file2: string;
  fn: string;
  mod: string;
  err: string;
  cmd: string;
  branch: string;
  svc: string;
  lib: string;
  topic: string;
}

type Table = Record<Exclude<Intent, 'vague'>, Record<Lang, string[]>>;

const T: Table = {
  debug: {
    en: [
      'the build fails with {err}, can you fix it',
      'why does {fn} throw {err} when the input is empty?',
      'getting {err} in {file}, please debug',
      '{cmd} is broken since the last merge — find the bug',
      'there is a bug in {fn}: it returns the wrong value for negative numbers, fix it',
      'fix the crash in {mod} on startup',
      'CI is red: {err}. figure out why and fix it',
      'the {svc} service keeps crashing with {err}, investigate',
      'I get an error when running {cmd}:\n\n{err}\n\nwhat is wrong?',
      'something is broken in {file}, the page shows nothing and the console has an error',
      'debug why {fn} hangs forever on large inputs',
      'fix this error please\n```\n{err}\n    at {fn} ({file}:42:13)\n```',
    ],
    zh: [
      '{cmd} 报错了，帮我看看为啥',
      '修一下 {file} 里的 bug',
      '为啥 {fn} 一直返回空值？',
      '服务启动就崩溃，帮我查一下原因',
      '这个报错是什么原因：{err}',
      '{mod} 模块有个 bug，点击保存没反应，修复一下',
      'CI 挂了，错误是 {err}，帮忙修复',
    ],
    mixed: [
      '{cmd} 跑不过，报 {err}，fix 一下',
      '帮我 debug 一下 {fn}，它在 {file} 里 crash 了',
      'error: {err} 这个怎么修',
      'fix the bug 在 {mod} 里面，登录之后白屏',
      '为啥 {svc} 一直 timeout? 看下 error log',
    ],
  },
  review: {
    en: [
      'review my changes in {file}',
      'please do a code review of {mod}, focus on error handling',
      'can you review the diff on {branch} before I merge',
      'review this PR and leave comments on anything risky',
      'look over {file} and review it for security issues',
      'quick review of {fn}? I am not sure about the edge cases',
      'do a thorough code review of the last three commits',
    ],
    zh: [
      '帮我 review 一下 {file}',
      '审查一下 {mod} 模块的代码',
      '代码评审：看看 {fn} 有没有问题',
      '评审一下这次的改动，有没有遗漏的边界情况',
    ],
    mixed: [
      'review 一下 {branch} 分支的 diff',
      '帮忙 code review {file}，重点看并发',
      '看看这个 PR 写得怎么样，review 下',
    ],
  },
  git: {
    en: [
      'commit these changes with a good message',
      'create a branch {branch} and commit the fix',
      'rebase {branch} onto main and resolve the conflicts',
      'push to origin and open a pull request',
      'squash the last 4 commits into one',
      'git status looks messy, clean it up and commit only {file}',
      'cherry-pick the fix from {branch} into release',
      'amend the last commit to include {file2}',
      'resolve the merge conflict in {file}',
      'write the commit message and push',
    ],
    zh: [
      '提交一下代码',
      '帮我把改动 commit 了然后 push',
      '合并 {branch} 分支，有冲突的话解决一下',
      '新建分支 {branch} 并提交',
    ],
    mixed: [
      'git commit 一下，message 写清楚',
      '把 {branch} rebase 到 main 上',
      'push 到远程然后开个 PR',
    ],
  },
  test: {
    en: [
      'write unit tests for {fn}',
      'add tests for {file}, cover the error paths',
      'run the test suite and tell me what fails',
      'the tests in {file2} are flaky, make them deterministic',
      'add an integration test for the {svc} endpoint',
      'increase test coverage of {mod} to at least 80%',
      'run {cmd} and make sure all tests pass',
      'write a regression test for the bug we just fixed',
    ],
    zh: [
      '给 {fn} 写单元测试',
      '跑一下测试看看有没有失败的',
      '补充 {mod} 的测试用例',
      '测试覆盖率太低了，加点测试',
    ],
    mixed: [
      '给 {file} 加几个 unit test',
      'run 一下 tests，看哪些 fail 了',
      '写个 e2e 测试覆盖 {svc}',
    ],
  },
  docs: {
    en: [
      'update the README with the new {cmd} usage',
      'write docs for {mod}',
      'add docstrings to every public function in {file}',
      'document the config options in docs/config.md',
      'write a CHANGELOG entry for this release',
      'add comments explaining why {fn} retries three times',
      'the API documentation is out of date, update it',
    ],
    zh: [
      '更新一下 README',
      '给 {mod} 写文档',
      '补充注释，说明 {fn} 的用法',
      '写一份使用文档放到 docs 目录',
    ],
    mixed: [
      '更新 README 里的 install 步骤',
      '给 {file} 加 docstring',
      '写个 doc 说明 {svc} 的 API',
    ],
  },
  code: {
    en: [
      'implement {fn} in {file}',
      'add a --json flag to {cmd}',
      'create a new endpoint for {svc} that returns the list of users',
      'write a function that parses the config file and validates it',
      'add support for {lib} to {mod}',
      'implement retry with exponential backoff in {fn}',
      'build a small CLI that converts CSV to JSON',
      'add a new feature: export results to {file2}',
      'create a script that scans the logs and counts errors per hour',
      'write a parser for the new message format in {mod}',
    ],
    zh: [
      '实现 {fn} 函数',
      '新增一个接口，返回用户列表',
      '写一个脚本统计日志里的错误数量',
      '给 {mod} 添加 {lib} 支持',
      '帮我写一个配置文件解析器',
    ],
    mixed: [
      '实现一个 {fn}，要支持 retry',
      '加个 --verbose flag 到 {cmd}',
      '写个 function 把 CSV 转成 JSON',
      'implement 一下 {svc} 的分页',
    ],
  },
  edit: {
    en: [
      'rename {fn} to {fn}V2 everywhere',
      'change the default port to 8080 in {file}',
      'update the timeout in {file} from 30s to 60s',
      'replace {lib} with the built-in fetch in {mod}',
      'edit {file} so the log level comes from an env var',
      'change the button color to blue',
      'update the version number to 2.3.0',
      'remove the unused imports from {file}',
    ],
    zh: [
      '把 {fn} 改名为 handleRequest',
      '修改 {file} 里的默认端口为 8080',
      '把超时时间改成 60 秒',
      '删掉 {file} 里没用的 import',
    ],
    mixed: [
      '把 {file} 里的 timeout 改成 60s',
      'rename 一下 {fn}',
      'update 版本号到 2.3.0',
    ],
  },
  refactor: {
    en: [
      'refactor {mod} into smaller functions',
      'clean up {file}, it has too much duplication',
      'extract the validation logic from {fn} into its own module',
      'refactor {fn} to use async/await instead of callbacks',
      'split {file} into separate files per responsibility',
      'simplify {fn}, the nesting is too deep',
      'restructure the {svc} handlers so they share one error path',
    ],
    zh: [
      '重构一下 {mod}',
      '把 {fn} 拆成几个小函数',
      '这段代码太乱了，重构一下',
      '去掉 {file} 里的重复代码，重构',
    ],
    mixed: [
      'refactor 一下 {file}',
      '把重复的 code 抽出来，重构',
      '用 async/await 重构 {fn}',
    ],
  },
  perf: {
    en: [
      '{cmd} is too slow, make it faster',
      'optimize {fn}, it takes 3 seconds on 10k items',
      'profile the {svc} service and find the hot path',
      'reduce memory usage of {mod}',
      'the page load is slow, improve performance',
      'benchmark {fn} before and after your change',
      'why is the query in {file} so slow? speed it up',
    ],
    zh: [
      '{cmd} 太慢了，优化一下',
      '性能优化：{fn} 耗时太长',
      '内存占用太高，帮我优化',
      '这个接口响应很慢，提升一下性能',
    ],
    mixed: [
      '优化 {fn} 的 performance',
      '{svc} latency 太高，profile 一下',
      'benchmark 一下 {mod}，看看慢在哪',
    ],
  },
  inspect: {
    en: [
      'explain what {fn} does',
      'how does {mod} work?',
      'where is the config for {svc} loaded?',
      'show me the structure of this project',
      'what does {file} do',
      'walk me through the request flow in {svc}',
      'find where {fn} is called',
      'list the dependencies of {mod} and what they are used for',
    ],
    zh: [
      '解释一下 {fn} 是干什么的',
      '{mod} 是怎么工作的？',
      '看看这个项目的目录结构',
      '{fn} 在哪里被调用了',
      '这段代码是什么意思',
    ],
    mixed: [
      '解释一下 {file} 的逻辑',
      'where 是 {svc} 的入口？看一下',
      '{fn} 是做什么的，explain 一下',
    ],
  },
  continue: {
    en: ['continue', 'keep going', 'go on', 'continue where you left off', 'please continue with the next step', 'carry on'],
    zh: ['继续', '继续吧', '接着做', '继续下一步'],
    mixed: ['continue 一下', '继续 next step', 'ok 继续'],
  },
  confirm: {
    en: ['yes', 'ok', 'yes, do it', 'sounds good, go ahead', 'lgtm', 'sure', 'yes please', 'ok proceed', 'approved, go ahead', 'y'],
    zh: ['好的', '可以', '是的', '没问题，就这样做', '对', '行'],
    mixed: ['ok 可以', 'yes 就这样', '好的 go ahead'],
  },
  deploy: {
    en: [
      'deploy {svc} to staging',
      'release version 2.3.0 to production',
      'ship it: build the docker image and push to the registry',
      'roll back the last deploy of {svc}',
      'publish the package to npm',
      'update the k8s manifest and deploy',
      'set up the GitHub Actions workflow to deploy on tag',
    ],
    zh: ['部署到测试环境', '发布新版本', '把 {svc} 部署到生产环境', '回滚上一次部署'],
    mixed: ['deploy 到 staging 环境', '打个 docker image 然后部署', '发布 release 到 npm'],
  },
  research: {
    en: [
      'find papers on {topic} and summarize the main approaches',
      'research how other tools handle {topic}',
      'survey the literature on {topic}, arxiv links please',
      'compare {lib} with its alternatives, which one should we use?',
      'read this paper and tell me whether the method applies to us: https://arxiv.org/abs/2405.{n}',
      'what is the state of the art in {topic}?',
    ],
    zh: ['调研一下 {topic} 的相关论文', '查一下 {topic} 有哪些方案', '帮我读这篇论文并总结'],
    mixed: ['调研 {topic} 的 paper', 'survey 一下 {lib} 和同类库', '找几篇 {topic} 的论文 summarize 一下'],
  },
};

const VAGUE = [
  'hmm', '?', '...', 'what about the other one', 'same as before', 'try again', 'no', 'not like that',
  'wait', 'huh', '嗯', '这个呢', '还是不对', '再来', 'asdf', 'the thing from yesterday', '👀', 'ugh',
  'idk, your call', '随便', 'see above', 'that one', 'hmm what', 'nvm',
];

const PREFIX: Record<Lang, string[]> = {
  en: ['', '', '', '', 'hey, ', 'ok so ', 'pls ', 'can you ', 'quick one: ', 'now ', 'next: '],
  zh: ['', '', '', '请', '麻烦', '帮忙', '现在'],
  mixed: ['', '', '', 'hi, ', '请 ', 'ok '],
};
const SUFFIX: Record<Lang, string[]> = {
  en: ['', '', '', '', ' thanks', ' please', '.', '!', ' asap', ' — keep it minimal'],
  zh: ['', '', '', '，谢谢', '。', '！'],
  mixed: ['', '', ' thx', '，谢谢', ' pls'],
};

const SHORT_INTENTS = new Set(['continue', 'confirm']);

export function fill(template: string, slots: PromptSlots, rng: Rng): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) =>
    k === 'n' ? String(rng.int(1000, 99999)).padStart(5, '0') : (slots as unknown as Record<string, string>)[k] ?? k);
}

export function pickIntent(rng: Rng, first: boolean): Intent {
  if (rng.chance(0.07)) return 'vague';
  if (first) return rng.weighted([['debug', 4], ['code', 4], ['inspect', 3], ['review', 2], ['test', 2], ['refactor', 2],
    ['perf', 1], ['docs', 1], ['edit', 2], ['git', 1], ['deploy', 1], ['research', 1], ['continue', 0.5]] as const);
  return rng.weighted([['debug', 5], ['code', 4], ['inspect', 3], ['review', 2], ['test', 3], ['refactor', 2],
    ['perf', 1.5], ['docs', 1.5], ['edit', 3], ['git', 3], ['deploy', 1], ['research', 1], ['continue', 2.5],
    ['confirm', 3]] as const);
}

export function pickLang(rng: Rng, bias: number): Lang {
  return rng.weighted([['en', 6 - 3 * bias], ['zh', 2 + 2 * bias], ['mixed', 2 + bias]] as const);
}

/** One prompt text of the given intent. */
export function makePrompt(rng: Rng, intent: Intent, lang: Lang, slots: PromptSlots): string {
  if (intent === 'vague') return rng.pick(VAGUE);
  const body = fill(rng.pick(T[intent][lang]), slots, rng);
  if (SHORT_INTENTS.has(intent)) return body;
  // "can you" / "pls" in front of a question reads wrong: questions keep no prefix.
  const question = /^(why|what|how|where|is|are|does|do|which|who)\b|[?？]$/i.test(body);
  let text = (question ? '' : rng.pick(PREFIX[lang])) + body + (question ? '' : rng.pick(SUFFIX[lang]));
  // People paste context under the ask: a log excerpt or a path list.
  if (intent === 'debug' && rng.chance(0.2)) text += `\n\n${slots.err}\n${slots.err.replace(/:.*/, '')}: see ${slots.file}`;
  return text;
}

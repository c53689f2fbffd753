// The default rule set: intents common to coding-agent work in English, Chinese and mixed prompts.
// Order matters (first match wins): narrow, strong signals first (continuations, one-word approvals,
// papers, reviews, test writing), broad verbs last (code, inspect). Chinese has no word boundaries, so
// CJK alternatives stand alone while English words sit inside \b…\b. Project rules go before these.
// Tuned on generated and own-history prompts, never on test/fixtures/holdout (the held-back measure).

import { parseRule, type Rule } from './regex.js';

const W = (words: string) => `\\b(?:${words})\\b`;

/** Whole-prompt acknowledgements (one or several: "ok 可以", "yes 就这样"). */
const CONFIRM = 'ok(?:ay)?|k|yes|yep|yeah|yup|y|sure|lgtm|sgtm|sounds good|looks good|good|great|nice|perfect|thanks?|thank you|ty|go ahead|do it|approved?|agreed|correct|right|fine|alright|👍|✅|嗯+|好的?|好滴|好嘞|可以|行|对的?|是的?|没问题|同意|确认|收到|明白';

export const DEFAULT_RULE_SPECS: readonly string[] = [
  // Harness text and explicit "keep going" (compaction summaries also arrive as kind 'continue').
  `continue=^\\s*(?:try again|retry|again|再来|再试|重试|\\[session continued|this session is being continued|continue\\b|go on\\b|keep going|carry on|proceed\\b|resume\\b|please continue|继续|接着|接下来)`,
  // Short approvals: the whole prompt is an acknowledgement (≤ 30 characters).
  `confirm=^(?=[^\\n]{0,30}$)\\s*(?:${CONFIRM})(?:[\\s,.!。！，~、]*(?:${CONFIRM}|please|then|proceed|go|吧|呢|啊|哈|就这样做?|继续|这样|做吧))*[\\s,.!。！，~、]*$`,
  `research=${W('papers?|arxiv|survey|literature|related work|state of the art|sota|citations?|bibtex|latex|abstract|research|whitepaper')}|论文|调研|文献|综述|研究|摘要`,
  `review=${W('review(?:s|ing)?|code review|look over|critique|second opinion|audit|sanity check|nitpicks?|feedback on')}|审查|审核|评审|复查|review|隐患|写得怎么样|有没有问题`,
  // Writing tests, before debug: "add a test for the crash" is test work.
  `test=${W('(?:write|add|create|generate|need|more|missing|new) (?:\\w+ ){0,3}(?:tests?|specs?|test cases?)|test cases?|test coverage|coverage|unit tests?|integration tests?|e2e tests?|regression tests?')}|(?:写|加|补|增加|添加|新增)(?:几个|一些|一下|个)?.{0,8}(?:测试|单测|用例|test)|单测|测试用例`,
  `perf=${W('slow(?:er|ly|ness)?|faster|speed(?: up)?|perf|performance|optimi[sz](?:e|ation|ing)|latency|throughput|benchmarks?|profil(?:e|ing|er)|memory usage|cpu usage|bottleneck|hot ?path|p99|qps')}|性能|优化|太慢|变慢|很慢|速度|耗时|内存占用|卡顿|吞吐|延迟`,
  `debug=${W('fix(?:es|ed|ing)?|bugs?|errors?|exceptions?|crash(?:es|ed|ing)?|fail(?:s|ed|ing|ure)?|broken|breaks?|wrong|panics?|segfault|traceback|stack ?trace|hangs?|stuck|freez(?:e|es)|not working|doesn\'t work|does not work|didn\'t work|isn\'t working|debug(?:ging)?|investigate|root cause|regression|leaks?|flaky|figure out why|why (?:is|does|do|are|did|isn\'t|doesn\'t|won\'t|can\'t)|undefined|null pointer|nan|401|403|404|500|502|timeouts?|timed out|exit code|cannot|can\'t|unable to|warning|warnings|issue|problem')}|\\w+(?:Error|Exception)\\b|\\bE(?:ADDRINUSE|NOENT|ACCES|CONNREFUSED|CONNRESET|PERM|TIMEDOUT|PIPE|EXIST|ISDIR|NOTDIR|MFILE|NOSPC|NOMEM)\\b|报错|错误|失败|崩溃|崩了|挂了|为啥|为什么|怎么回事|不工作|不行了|没反应|没有反应|卡住|卡死|异常|修复|修一下|修下|修好|排查|白屏|超时|不对|有问题|bug|panic|error|fix`,
  `deploy=${W('deploy(?:s|ed|ing|ment)?|release|publish|ship it|ship to|roll ?back|rollout|production|prod|staging|kubernetes|k8s|helm|terraform|docker push|ci/cd|pipeline|vercel|netlify|heroku')}|部署|上线|发布|发版|回滚|灰度|生产环境|测试环境`,
  `git=${W('git|commit(?:s|ted)?|push|pull request|pr|merge|rebase|cherry-pick|squash|stash|branch(?:es)?|checkout|conflicts?|diff|blame|gitignore|tag v?\\d[\\w.]*')}|提交|推送|推到|合并|分支|冲突|暂存|拉取|合到`,
  `test=${W('tests?|testing|tested|spec|specs|vitest|jest|pytest|mocha|cargo test|go test|npm test|assert(?:ions?)?|mock(?:s|ing)?|fixtures?')}|测试|测一下|测下|单测|用例`,
  `refactor=${W('refactor(?:ing)?|clean(?: ?up|ed up)|tidy|extract|split|restructure|reorgani[sz]e|dedup(?:e|licate)?|simplify|rewrite|decouple|modulari[sz]e|convert (?:\\w+ ){0,4}(?:to|into)|move (?:\\w+ ){0,4}into|dry')}|重构|抽成|抽取|抽出|提取|拆分|拆成|整理|简化|解耦|重写|合并成`,
  `docs=${W('readme|docs?|documentation|document|jsdoc|docstrings?|comments?|changelog|tutorial|guide|usage|man page|wiki|explain in the docs')}|文档|注释|说明|教程|使用方法|readme`,
  `edit=${W('change|changes|rename|replace|update|remove|delete|drop|tweak|adjust|bump|set (?:\\w+ ){0,4}to|increase|decrease|turn (?:on|off)|disable|enable|move|swap|revert|undo|typo|wording|comment out|uncomment')}|改成|改为|改一下|改下|修改|删掉|删除|去掉|替换|重命名|换成|调整|改名|更新|改`,
  `code=${W('implement(?:s|ed|ing|ation)?|add|create|build|write|make|support|scaffold|generate|feature|function|component|endpoint|script|class|module|api|cli|flag|option|page|integrate|port|wire|hook up|set up|setup|init(?:ialize)?|prototype|poc')}|实现|新增|添加|加一个|加个|加上|写一个|写个|支持|功能|开发|创建|生成|接入|集成|搭建|做一个|初始化`,
  `research=${W('compare|comparison|alternatives?|pros and cons|trade-?offs?|evaluate|which (?:library|tool|framework|database)|best practices?|look up|search the web|google')}|对比|比较|选型|优缺点|有哪些方案|查一下资料|搜一下`,
  `inspect=${W('show|look(?:ing)? at|look into|what(?:\'s| is| are| does| do)|where|how (?:does|do|is|are)|explain|list|find|read|check|see|open|print|cat|grep|search|tell me|walk me through|understand|summari[sz]e|status|overview|which')}|看看|看一下|看下|看一看|瞧瞧|解释|是什么|干什么|干嘛|做什么|哪里|在哪|哪个|查看|列出|什么意思|怎么用|怎么样|讲讲|介绍|分析|总结|查一下|找一下|检查|告诉我|\\?$|？$`,
  // "继续" / "go on" anywhere in a short prompt, after the intents a longer prompt may name.
  `continue=^(?=[^\\n]{0,40}$).*(?:继续|接着|go on|keep going|continue|next step|下一步)`,
];

export function defaultRules(): Rule[] {
  return DEFAULT_RULE_SPECS.map((s, i) => parseRule(s, `default #${i + 1}`));
}

/* Which agent CLI a program is, from its executable and argv: the default scope of the collector is the
 * process trees of these, not every process under a runtime's name. */
#ifndef AS_AGENTS_H
#define AS_AGENTS_H
#include <stddef.h>

/* The agent `exe` (a path) with `argv` (argc NUL-terminated strings, NUL-separated in `args`, `len` bytes)
 * is, or NULL. Recognised: a path inside an agent's npm package (the node build of Claude Code runs
 * node on …/@anthropic-ai/claude-code/cli.js; the native one is …/claude-code-linux-x64/claude), the
 * native installer's …/claude/versions/N, an executable named like an agent (claude, codex, gemini…), and
 * a runtime (node, bun, deno) whose script is one of those. */
const char *agent_of(const char *exe, const char *args, size_t len);

/* Process names (as the kernel sets them at exec: the file's base name, ≤ 15 chars) whose exec makes a
 * process a candidate that agent_of judges; NULL-terminated. */
extern const char *const agent_candidate_comms[];

#endif

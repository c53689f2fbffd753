/* Recognising agent CLIs by executable and argv (agents.h). */
#include "agents.h"
#include <string.h>

/* Path segments of the agents' npm packages (their native builds ship as sibling packages whose names
 * start the same: @anthropic-ai/claude-code-linux-x64, @openai/codex-linux-x64) and install folders. */
static const struct { const char *marker, *agent; } packages[] = {
	{ "/@anthropic-ai/claude-code", "claude" },
	{ "/.local/share/claude/versions/", "claude" }, /* the native installer */
	{ "/@openai/codex", "codex" },
	{ "/@google/gemini-cli", "gemini" },
	{ "/@qwen-code/qwen-code", "qwen" },
	{ "/opencode-ai/", "opencode" },
	{ "/@sourcegraph/amp", "amp" },
	{ "/@github/copilot", "copilot" },
	{ "/@kilocode/cli", "kilo" },
	{ "/@charmland/crush", "crush" },
};

/* Executables (or a runtime's script) by base name, extension aside. */
static const char *const names[] = { "claude", "codex", "gemini", "qwen", "opencode", "amp", "copilot", "droid",
				     "kilocode", "cursor-agent", "crush", "goose", NULL };
static const char *const runtimes[] = { "node", "nodejs", "bun", "deno", NULL };

const char *const agent_candidate_comms[] = { "node", "nodejs", "bun", "deno", "claude", "codex", "gemini", "qwen",
					      "opencode", "amp", "copilot", "droid", "kilocode", "cursor-agent", "crush",
					      "goose", NULL };

static const char *by_package(const char *path)
{
	for (size_t i = 0; i < sizeof(packages) / sizeof(packages[0]); i++)
		if (strstr(path, packages[i].marker))
			return packages[i].agent;
	return NULL;
}

/* `path`'s base name without a .js/.mjs/.cjs/.exe extension is one of `list`: that entry, else NULL. */
static const char *by_name(const char *path, const char *const *list)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	static const char *const exts[] = { ".js", ".mjs", ".cjs", ".exe" };
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && strcmp(base + n - e, exts[i]) == 0) {
			n -= e;
			break;
		}
	}
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncmp(base, list[i], n) == 0)
			return list[i];
	return NULL;
}

const char *agent_of(const char *exe, const char *args, size_t len)
{
	const char *a;
	if (exe && exe[0] && ((a = by_package(exe)) || (a = by_name(exe, names))))
		return a;
	if (!len)
		return NULL;
	/* argv[0] as typed can name the agent where exe is a symlink's target or an interpreter */
	const char *argv0 = args;
	if ((a = by_package(argv0)) || (a = by_name(argv0, names)))
		return a;
	if (!by_name(exe && exe[0] ? exe : argv0, runtimes) && !by_name(argv0, runtimes))
		return NULL;
	/* a runtime: its script is the first argument that is not an option */
	for (size_t i = strnlen(args, len) + 1; i < len; i += strnlen(args + i, len - i) + 1) {
		const char *arg = args + i;
		if (arg[0] == '-')
			continue;
		return (a = by_package(arg)) ? a : by_name(arg, names);
	}
	return NULL;
}

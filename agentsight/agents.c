/* Recognising agent CLIs by executable and argv (agents.h). */
#include "agents.h"
#include <string.h>

/* Path segments of the agents' npm packages: a runtime's script inside one is that agent. Only for scripts:
 * an executable inside a package is one only by its name (the package also ships helpers: Claude Code's
 * vendored ripgrep, …/@anthropic-ai/claude-code/vendor/ripgrep/x64-linux/rg, is not Claude Code). */
static const struct { const char *marker, *agent; } packages[] = {
	{ "/@anthropic-ai/claude-code", "claude" },
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

/* The native installer keeps each version as …/claude/versions/N (run through the ~/.local/bin/claude link). */
static const char *by_install(const char *path)
{
	return strstr(path, "/.local/share/claude/versions/") ? "claude" : NULL;
}

const char *agent_of(const char *exe, const char *args, size_t len)
{
	const char *a;
	if (exe && exe[0] && ((a = by_name(exe, names)) || (a = by_install(exe))))
		return a;
	if (!len)
		return NULL;
	/* argv[0] as typed can name the agent where exe is a symlink's target */
	const char *argv0 = args;
	if ((a = by_name(argv0, names)) || (a = by_install(argv0)))
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

/* Where a TLS probe traps cheaply: see unwrap.h for why. */
#include "unwrap.h"
#include <string.h>

bool insn_emulated(const uint8_t *code, size_t n)
{
	if (n >= 1 && (code[0] >= 0x50 && code[0] <= 0x57)) /* push %rax…%rdi */
		return true;
	if (n >= 2 && code[0] == 0x41 && code[1] >= 0x50 && code[1] <= 0x57) /* push %r8…%r15 */
		return true;
	if (n >= 1 && (code[0] == 0x90 || code[0] == 0xe8 || code[0] == 0xe9 || code[0] == 0xeb)) /* nop, call, jmp */
		return true;
	return false;
}

size_t emulated_entry(const uint8_t *code, size_t n, size_t off)
{
	static const uint8_t endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	if (insn_emulated(code, n))
		return off;
	if (n > sizeof(endbr64) && memcmp(code, endbr64, sizeof(endbr64)) == 0 &&
	    insn_emulated(code + sizeof(endbr64), n - sizeof(endbr64)))
		return off + sizeof(endbr64);
	return 0;
}

static bool has_before(const uint8_t *code, size_t end, const uint8_t *pat, size_t len)
{
	for (size_t j = 0; j + len <= end; j++)
		if (memcmp(code + j, pat, len) == 0)
			return true;
	return false;
}

size_t wrapper_callee(const uint8_t *code, size_t n, size_t off, size_t lo, size_t hi, int *out_arg)
{
	static const uint8_t rsp_to_rcx[] = { 0x48, 0x89, 0xe1 }, rsp_to_r8[] = { 0x49, 0x89, 0xe0 };
	*out_arg = 0;
	for (size_t i = 0; i + 5 <= n; i++) {
		if (code[i] != 0xe8)
			continue;
		int32_t rel;
		memcpy(&rel, code + i + 1, sizeof(rel));
		long long target = (long long)(off + i + 5) + rel;
		if (target < (long long)lo || target >= (long long)hi || target % 16)
			continue;
		*out_arg = has_before(code, i, rsp_to_rcx, sizeof(rsp_to_rcx)) ? 4 : has_before(code, i, rsp_to_r8, sizeof(rsp_to_r8)) ? 5 : 0;
		return (size_t)target;
	}
	return 0;
}

# agentpprof — two commands on a fresh machine:
#   make demo   profile your agent history (or the bundled example corpus) into flamegraphs, and put
#               `agentpprof` on your PATH (a link to bin/agentpprof.mjs, see scripts/demo.sh)
#   make test   install everything the tests need and run them all
.DELETE_ON_ERROR:
.PHONY: demo test setup build collector package typecheck lint bench clean

OUT ?= agentpprof-out

setup:
	scripts/setup.sh npm

build: setup
	node scripts/build.mjs

# The eBPF collector for development (agentsight/build/agentsight); the npm package ships a static build
# of it (npm pack: scripts/build-package.mjs). Installs Debian's clang/bpftool/libbpf-dev when missing.
collector:
	scripts/setup.sh bpf
	$(MAKE) -C agentsight

# The npm package (agentpprof-VERSION.tgz): npm's prepack builds dist/ and the static collector.
package:
	scripts/setup.sh npm bpf
	npm pack

demo: build
	scripts/demo.sh $(OUT)

typecheck: setup
	npx tsc -p .

# The pipeline's layering (.dependency-cruiser.cjs): a violation names its rule and the import.
lint: setup
	npx depcruise --config .dependency-cruiser.cjs src

test:
	scripts/setup.sh npm bpf browser go agents fleet clickhouse ccusage
	node scripts/build.mjs
	$(MAKE) collector
	npx tsc -p .
	npx depcruise --config .dependency-cruiser.cjs src
	npx vitest run

bench: build collector
	@for b in scripts/bench/*.mjs scripts/bench/*.ts; do [ -f "$$b" ] && echo "== $$b" && node --import tsx "$$b"; done; true

clean:
	rm -rf dist build test-output $(OUT)

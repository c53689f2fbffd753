# agentpprof — two commands on a fresh machine:
#   make demo   profile your agent history (or the bundled example corpus) into flamegraphs
#   make test   install everything the tests need and run them all
.DELETE_ON_ERROR:
.PHONY: demo test setup build collector typecheck bench clean

OUT ?= agentpprof-out

setup:
	scripts/setup.sh npm

build: setup
	node scripts/build.mjs

collector:
	@if [ -f agentsight/Makefile ]; then $(MAKE) -C agentsight; fi

demo: build
	scripts/demo.sh $(OUT)

typecheck: setup
	npx tsc -p .

test:
	scripts/setup.sh npm bpf browser go agents fleet ccusage
	node scripts/build.mjs
	$(MAKE) collector
	npx tsc -p .
	npx vitest run

bench: build collector
	@for b in scripts/bench/*.mjs scripts/bench/*.ts; do [ -f "$$b" ] && echo "== $$b" && node --import tsx "$$b"; done; true

clean:
	rm -rf dist build test-output $(OUT)

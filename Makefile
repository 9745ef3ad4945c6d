# Kimberlite — the two commands of the README, and a few more.
#   make          build build/bin/kimberlite (Release)
#   make run      install what is missing, build, run the demo (on a terminal: `kimberlite dev`)
#   make test     install what is missing, build, run every test: Release, then ASan+UBSan
#   make bench    micro-benchmarks (Google Benchmark)
#   make bench-compare  Kimberlite against PostgreSQL and SQLite (docs/benchmarks.md); bench-quick: brief
BUILD_DIR   ?= build
ASAN_DIR    ?= build-asan
JOBS        ?= $(shell nproc)
CTEST_FLAGS ?= --output-on-failure -j$(JOBS)
# The sanitizer build: -O1 with line tables compiles in about half the time of -O2 -g, and the
# reports still name file and line.
ASAN_OPT    ?= -O1 -g1 -DNDEBUG

.PHONY: all deps build run demo test test-release test-asan bench bench-quick bench-compare format tidy clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@examples/run-demo.sh $(BUILD_DIR)

test: test-release test-asan

test-release: build
	cd $(BUILD_DIR) && ctest $(CTEST_FLAGS)

test-asan: deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$(ASAN_OPT)" \
	    -DKMB_SANITIZE=ON -DKMB_BUILD_BENCHMARKS=OFF >/dev/null
	@cmake --build $(ASAN_DIR) -j$(JOBS)
	cd $(ASAN_DIR) && ctest $(CTEST_FLAGS)

bench: build
	$(BUILD_DIR)/bin/kimberlite-microbench

bench-quick: build
	$(BUILD_DIR)/bin/kimberlite-microbench --benchmark_min_time=0.05
	@BUILD_DIR=$(BUILD_DIR) scripts/bench-compare.sh --quick

bench-compare: build
	@BUILD_DIR=$(BUILD_DIR) scripts/bench-compare.sh

format:
	@find src bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

tidy: build
	@find src -name '*.cc' ! -name '*_test.cc' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)

# The newcomer's entry points: `make run` and `make test` (see README.md).
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
JOBS ?= 2
SEED ?= 1
CMAKE_FLAGS ?=

.PHONY: setup build run test test-sanitize bench fuzz swarm clean

setup:
	@bash tools/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The default scenario, one seed: prints the verdict and the run folder.
run: build
	$(BUILD_DIR)/simlab run --seed $(SEED) --out runs/seed-$(SEED)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# ASan + UBSan build; TEST_LABELS picks the suites (a ctest -L regex, default
# all of them) and SANITIZE_TARGETS what to build (default everything).
TEST_LABELS ?=
SANITIZE_TARGETS ?=
test-sanitize: setup
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMLAB_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_DIR) -j $(JOBS) $(if $(SANITIZE_TARGETS),--target $(SANITIZE_TARGETS))
	ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS) $(if $(TEST_LABELS),-L '$(TEST_LABELS)')

bench: build
	@for b in $(BUILD_DIR)/bench/*_bench; do echo "== $$b"; $$b || exit 1; done

# libFuzzer runs of the history readers, FUZZ_SECONDS (default 20) each.
fuzz:
	bash tools/fuzz.sh

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)

# The newcomer's entry points: `make run` and `make test` (see README.md).
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
JOBS ?= 2
SEED ?= 1
CMAKE_FLAGS ?=

.PHONY: setup build run test test-sanitize bench detection shrink-bench determinism fuzz swarm clean

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
SANITIZE_EXCLUDE ?=
test-sanitize: setup
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMLAB_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_DIR) -j $(JOBS) $(if $(SANITIZE_TARGETS),--target $(SANITIZE_TARGETS))
	ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS) $(if $(TEST_LABELS),-L '$(TEST_LABELS)') $(if $(SANITIZE_EXCLUDE),-E '$(SANITIZE_EXCLUDE)')

bench: build
	@for b in $(BUILD_DIR)/bench/*_bench; do \
	  case $$b in *detection_bench|*shrink_bench) continue ;; esac; \
	  echo "== $$b"; $$b || exit 1; done

# Seeds to first detection and detections per 1,000 seeds of every planted
# bug, with every judge and with the history's checker alone, BUGGIFY off
# and on (about 20 minutes on two cores at the default 1000 seeds).
DETECTION_SEEDS ?= 1000
detection: build
	$(BUILD_DIR)/bench/detection_bench $(DETECTION_SEEDS) $(JOBS)

# Every planted bug's first failing seed, shrunk (minutes: each bug's first
# seed is searched for, then shrunk within SHRINK_TRIALS trials).
SHRINK_TRIALS ?= 2000
shrink-bench: build
	$(BUILD_DIR)/bench/shrink_bench 1000 $(SHRINK_TRIALS)

# The cross-process determinism test over DETERMINISM_SEEDS seeds of every
# system's default scenario and every scenarios/*.json (make test runs a slice).
DETERMINISM_SEEDS ?= 1000
determinism: build
	SIMLAB_DETERMINISM_SEEDS=$(DETERMINISM_SEEDS) $(BUILD_DIR)/tests/harness_tests --gtest_filter='Determinism.*'

# libFuzzer runs of the history readers, FUZZ_SECONDS (default 20) each.
fuzz:
	@bash tools/install-deps.sh fuzz
	bash tools/fuzz.sh

# The long Raft swarms (not part of `make test`): every planted bug on every
# scenarios/raft-*.json, and each scenario clean, SWARM_SEEDS seeds each.
# Results go to runs/raft-swarm/*.db (see `simlab runs --db F`).
SWARM_SEEDS ?= 1..1000
swarm: build
	@mkdir -p runs/raft-swarm
	@for scenario in scenarios/raft-*.json; do \
	  name=$$(basename $$scenario .json); \
	  echo "== $$name clean"; \
	  $(BUILD_DIR)/simlab swarm --scenario $$scenario --seeds $(SWARM_SEEDS) --jobs $(JOBS) \
	    --db runs/raft-swarm/$$name-clean.db --out runs/raft-swarm/$$name-clean || true; \
	  for bug in $$($(BUILD_DIR)/simlab bugs --system raft --names); do \
	    echo "== $$name $$bug"; \
	    $(BUILD_DIR)/simlab swarm --scenario $$scenario --bug $$bug --seeds $(SWARM_SEEDS) --jobs $(JOBS) \
	      --db runs/raft-swarm/$$name-$$bug.db --out runs/raft-swarm/$$name-$$bug || true; \
	  done; \
	done

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)

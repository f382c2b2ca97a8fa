# Berth: the two commands of the README, and the pieces they are made of.
#   make run    build everything and start the daemon (as root)
#   make test   build everything and run every test (as root)
MVN ?= mvn -B -q
ARGS ?=

# The daemon's JVM: C1 only and the serial collector, because a container engine is I/O bound and its start
# time and idle memory matter more than peak compiled speed; plus the class-data archive that `build` trains.
# A small young generation, two malloc arenas instead of one per core and thread, NIO's per-thread buffer cache
# kept to 64 KiB buffers and freed native memory handed back every 5 s, so that what a burst of work took does not
# stay with the idle daemon.
JVM_FLAGS ?= -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms16m -Xmn12m -Xss512k -Djdk.nio.maxCachedBufferSize=65536 \
	-XX:TrimNativeHeapInterval=5000
APP_DIR = target/berth
BERTH_JAVA = env MALLOC_ARENA_MAX=2 java $(JVM_FLAGS) -XX:SharedArchiveFile=$(APP_DIR)/berth.jsa -jar $(APP_DIR)/berth.jar

.PHONY: deps test-deps native build run run-command test native-test engine-test clean

deps:
	@.ci/install-deps

test-deps:
	@.ci/install-deps test

native: deps
	$(MAKE) -C docker-native all

# target/berth.jar, without running tests; then the same jar unpacked into target/berth with a class-data
# archive recorded from one start-up of the application context, which halves the daemon's start time.
build: native
	$(MVN) -Dmaven.test.skip=true package
	rm -rf $(APP_DIR)
	java -Djarmode=tools -jar target/berth.jar extract --destination $(APP_DIR)
	@tmp=$$(mktemp -d) && java $(JVM_FLAGS) -XX:ArchiveClassesAtExit=$(APP_DIR)/berth.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
	    -Dspring.context.exit=onRefresh -jar $(APP_DIR)/berth.jar --berth.data-root=$$tmp/data \
	    --berth.exec-root=$$tmp/exec --server.port=0 --logging.level.root=warn >/dev/null 2>&1 \
	  || echo "build: no class-data archive recorded; the daemon starts without one"; rm -rf $$tmp

run: build
	$(BERTH_JAVA) $(ARGS)

# The command `run` starts the daemon with, for the benchmark.
run-command:
	@echo '$(BERTH_JAVA)'

native-test: native
	$(MAKE) -C docker-native check

# Unit tests, then the integration tests against target/berth.jar and the real docker CLI.
engine-test: native test-deps
	mvn -B verify

test: native-test engine-test

clean:
	$(MAKE) -C docker-native clean
	rm -rf target

# Berth: the two commands of the README, and the pieces they are made of.
#   make run    build everything and start the daemon (as root)
#   make test   build everything and run every test (as root)
MVN ?= mvn -B -q
ARGS ?=

.PHONY: deps native build run test native-test engine-test clean

deps:
	@.ci/install-deps

native: deps
	$(MAKE) -C docker-native all

# target/berth.jar, without running tests.
build: native
	$(MVN) -DskipTests package

run: build
	java -jar target/berth.jar $(ARGS)

native-test: native
	$(MAKE) -C docker-native check

# Unit tests, then the integration tests against target/berth.jar and the real docker CLI.
engine-test: native
	mvn -B verify

test: native-test engine-test

clean:
	$(MAKE) -C docker-native clean
	rm -rf target

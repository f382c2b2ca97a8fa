# Berth: the two commands of the README, and the pieces they are made of.
#   make run    build everything and start Berth
#   make test   build everything and run every test (needs root)
.PHONY: deps build run test native-test clean

deps:
	@.ci/install-deps

build: deps
	$(MAKE) -C docker-native all

# The daemon and dashboard arrive with the engine (issue 3); until then
# `run` builds the native runtime and monitor and says where they are.
run: build
	@echo "built docker-native/build/berth-runtime and docker-native/build/berth-monitor"
	@echo "the Berth daemon is not part of this tree yet"

native-test: build
	$(MAKE) -C docker-native check

test: native-test

clean:
	$(MAKE) -C docker-native clean

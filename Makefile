# digitrade: the two commands are `make run` and `make test` (see README.md).
# Everything else here is what they are made of.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DB ?= sqlite:var/digitrade.db
RELEASE := build/release
ASAN := build/asan
# Release is -O2 without debug info and the sanitizer build keeps line tables
# only (-g1, enough for symbolised reports): both to keep CI on 2 cores fast.
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: run test deps build build-asan web test-release test-asan test-browser bench fuzz format tidy clean

## make run: install, build and start the platform with demo data on SQLite.
run: deps build web
	$(RELEASE)/src/app/digitrade --db $(DB) serve --demo --listen $(LISTEN) --web-root web/dist

## make test: install, build and run every test (release + ASan/UBSan, PostgreSQL, browser).
test: deps build web build-asan
	scripts/with-postgres.sh $(MAKE) --no-print-directory test-release test-asan
	$(MAKE) --no-print-directory test-browser

deps:
	scripts/install-deps.sh

build:
	cmake -S . -B $(RELEASE) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >/dev/null
	cmake --build $(RELEASE) -j $(JOBS)

build-asan:
	cmake -S . -B $(ASAN) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
	  -DDIGITRADE_SANITIZE=ON >/dev/null
	cmake --build $(ASAN) -j $(JOBS)

web:
	cd web && npm run build --silent

test-release:
	cd $(RELEASE) && ctest --output-on-failure -j $(JOBS)

test-asan:
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

test-browser:
	scripts/browser-test.sh $(RELEASE)/src/app/digitrade

## make bench: requests/s of the server under wrk (see bench/README.md).
bench: deps build
	bench/http_bench.sh $(RELEASE)/src/app/digitrade

## make fuzz NAME=<target> [SECONDS=60]: coverage-guided fuzzing with AFL++.
fuzz: deps
	scripts/fuzz.sh $(NAME) $(or $(SECONDS),60)

format:
	find src fuzz bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

tidy: build
	scripts/tidy.sh $(RELEASE)

clean:
	rm -rf build web/dist

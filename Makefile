# crier developer tasks. `make test` is the test command CI runs (.ci/run).
GO ?= go

.PHONY: build test chaos demo lint dev

## build: compile the crier binary into bin/crier
build:
	$(GO) build -o bin/crier ./cmd/crier

## test: make sure PostgreSQL, Redis and Chromium (browser tests) are there, then run
## every test with the race detector, and the breaking tests verbosely so that their
## counts are in the log
test:
	bash scripts/services.sh ensure && bash scripts/chromium.sh && \
		$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /internal/chaos) && \
		$(GO) test -count=1 -v ./internal/chaos/

## chaos: only the tests that break things (kill workers, flush Redis, restart Postgres, ...)
chaos:
	bash scripts/services.sh ensure && $(GO) test -count=1 -v ./internal/chaos/

## demo: make sure the services are up, then run `crier demo`
demo:
	bash scripts/services.sh ensure && $(GO) run ./cmd/crier demo

## lint: gofmt check, go vet, and golangci-lint when it is installed
lint:
	@unformatted=$$(find . \( -path ./.git -o -path ./.data -o -path ./bin \) -prune \
		-o -name '*.go' -print | xargs gofmt -l); \
	if [ -n "$$unformatted" ]; then echo "gofmt -w needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@if command -v golangci-lint >/dev/null 2>&1; then golangci-lint run ./...; \
	else echo "golangci-lint not installed; skipped"; fi

## dev: start the whole stack (postgres, redis, mailpit, crier, workers) in Docker
dev:
	docker compose up -d

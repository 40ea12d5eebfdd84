# The commands people reach for. Each target is one line you could type.
.PHONY: run test test-short test-race lint bench ci

run:            ## textfix in sandbox mode (embedded bbolt file and flows)
	go run ./cmd/textfix

test:           ## every test; PostgreSQL, Chromium and tesseract tests skip when missing
	go test ./...

test-short:     ## the fast tests (no browser, no real processes): under 20 s
	go test -short ./...

test-race:
	go test -race ./...

lint:           ## go vet and golangci-lint (v2.15.0)
	go vet ./...
	golangci-lint run ./...

bench:          ## the load run: textfix beside its anchors (needs wrk)
	bash bench/run.sh

ci:             ## what CI runs on a clean clone (as root: installs packages, starts PostgreSQL)
	bash .ci/run

# syntax=docker/dockerfile:1

# Build stage: a static crier binary.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/crier ./cmd/crier

# Runtime stage: Debian slim with CA certificates, running as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin crier
COPY --from=build /out/crier /usr/local/bin/crier
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/crier"]
CMD ["serve"]

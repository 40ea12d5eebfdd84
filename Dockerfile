# Static build, CA certificates for api.twilio.com, tesseract for the
# screenshots people text (package ocr runs the program), non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /textfix ./cmd/textfix

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tesseract-ocr tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /data textfix \
 && mkdir -p /data && chown textfix /data
COPY --from=build /textfix /usr/local/bin/textfix
USER textfix
ENV TEXTFIX_ADDR=:8080 TEXTFIX_DB=/data/textfix.db
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/textfix"]
CMD ["serve"]

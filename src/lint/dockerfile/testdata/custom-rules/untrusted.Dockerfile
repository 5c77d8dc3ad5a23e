# syntax=docker/dockerfile:1
ARG GO=1.23
FROM golang:${GO} AS build
RUN go build -o /app .

# portcullis:ignore=acme-df-001 mirrored by the build farm, see ADR-7
FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

FROM --platform=linux/amd64 registry.acme.example/base/static:1.0
COPY --from=build /app /app

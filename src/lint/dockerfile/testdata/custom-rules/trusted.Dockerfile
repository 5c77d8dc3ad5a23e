FROM registry.acme.example/golang:1.23 AS build
RUN go build -o /app .

FROM localhost:5000/static:1.0
COPY --from=build /app /app
USER 65532

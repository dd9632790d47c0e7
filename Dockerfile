# Ortsplan as a container: a static binary on a distroless base, run as a
# non-root user. Build: docker build -t ortsplan .
# The release build uses Go 1.27.3 (the module stays at go 1.26; see README).
FROM golang:1.26-bookworm AS build
ENV GOTOOLCHAIN=go1.27.3 CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags='-s -w' -o /out/ortsplan ./cmd/ortsplan \
	&& mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ortsplan /ortsplan
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
EXPOSE 8080
VOLUME /data
ENV ORTSPLAN_ADDR=:8080 ORTSPLAN_DATA=/data
ENTRYPOINT ["/ortsplan"]
CMD ["serve"]

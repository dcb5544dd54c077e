import Foundation
import KisumTesting
import Testing

@Suite("deploy/gateway", .timeLimit(.minutes(10)))
struct GatewayTests {
    @Test("each service's prefix reaches its upstream, which names the service's host and port",
          arguments: try PackageManifest.services())
    func routing(service: ServiceDeclaration) throws {
        let routes = try Repo.text("deploy/gateway/routes.conf")
        let upstreams = try Repo.text("deploy/gateway/upstreams.conf")
        let prefix = try #require(try LocalRun.serviceTable()[service.executable]?.prefix, "\(service) is not in the local service table")
        #expect(try LocalRun.serviceTable()[service.executable]?.port == service.defaultPort)
        let upstream = "kisum_" + service.executable.replacingOccurrences(of: "-", with: "_")

        let location = try #require(NginxConfig.block(named: "location /\(prefix)/", in: routes), "no `location /\(prefix)/` in routes.conf")
        #expect(location.contains("proxy_pass http://\(upstream)/;"),
                "location /\(prefix)/ must `proxy_pass http://\(upstream)/;` (the trailing slash strips the prefix)")
        let block = try #require(NginxConfig.block(named: "upstream \(upstream)", in: upstreams), "no upstream \(upstream) in upstreams.conf")
        #expect(block.contains("server \(service.executable):\(service.defaultPort);"))
    }

    @Test("no public route of any contract contains \"internal\", which the gateway blocks everywhere in a path")
    func contractsHaveNoPublicInternalPaths() throws {
        let contracts = Repo.files(under: "contracts", suffix: ".yaml")
        #expect(!contracts.isEmpty)
        for contract in contracts {
            let paths = (try Repo.yaml(contract)["paths"] as? [String: Any]) ?? [:]
            for path in paths.keys where !path.hasPrefix("/internal/") && path != "/internal" {
                #expect(!path.lowercased().contains("internal"),
                        "\(contract): \(path) would be unreachable through the gateway (deploy/gateway/routes.conf blocks \"internal\")")
            }
        }
        let routes = try Repo.text("deploy/gateway/routes.conf")
        #expect(routes.contains("location ~* internal {"))
    }

    @Test("the local run's gateway configuration passes nginx -t",
          .enabled(if: findProgram("nginx") != nil, "nginx is not installed"))
    func localConfigurationIsValid() async throws {
        let nginx = try #require(findProgram("nginx"))
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-gateway-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let rendered = try await runProgram(
            ["bash", "-c", #"source "$1/deploy/local/lib.sh" && source "$1/deploy/local/gateway.sh" && kisum_gateway_render"#, "render", Repo.root],
            environment: ["KISUM_DATA_DIR": data, "KISUM_GATEWAY_LISTEN": "127.0.0.1:\(try LoopbackPort.free())"])
        let config = try String(contentsOfFile: rendered.trimmingCharacters(in: .whitespacesAndNewlines), encoding: .utf8)
        #expect(config.contains("include \(Repo.path("deploy/gateway/routes.conf"));"))
        for service in try PackageManifest.services() {
            let upstream = "kisum_" + service.executable.replacingOccurrences(of: "-", with: "_")
            let block = try #require(NginxConfig.block(named: "upstream \(upstream)", in: config), "no upstream \(upstream) in the local config")
            #expect(block.contains("server 127.0.0.1:\(service.defaultPort);"))
        }
        try await runProgram([nginx, "-t", "-q", "-p", data + "/nginx", "-e", data + "/nginx-test.log", "-c",
                              rendered.trimmingCharacters(in: .whitespacesAndNewlines)])
    }

    @Test("through nginx: prefixes are stripped, headers forwarded, and /internal/ never reaches an upstream",
          .enabled(if: findProgram("nginx") != nil, "nginx is not installed"))
    func liveGateway() async throws {
        try await Self.withGateway { upstream, gateway in

            // Public routes reach the upstream with the prefix stripped and the forwarding headers set.
            for service in try PackageManifest.services() {
                let prefix = try #require(try LocalRun.serviceTable()[service.executable]?.prefix)
                let response = try await RawHTTP.request(port: gateway.port, method: "GET", path: "/\(prefix)/health/ready?x=1")
                #expect(response.status == 200)
                #expect(response.headers["x-upstream"] == "recording")
                let seen = try #require(upstream.last)
                #expect(seen.path == "/health/ready?x=1", "/\(prefix)/ must be stripped, upstream saw \(seen.path)")
                #expect(seen.headers["x-forwarded-prefix"] == "/\(prefix)")
            }
            let generated = try #require(upstream.last?.headers["x-request-id"])
            #expect(generated.wholeMatch(of: try Regex("[0-9a-f]{32}")) != nil, "the gateway must generate a request id, got \(generated)")
            #expect(upstream.last?.headers["x-forwarded-for"] == "127.0.0.1")
            #expect(upstream.last?.headers["x-real-ip"] == "127.0.0.1")

            _ = try await RawHTTP.request(port: gateway.port, method: "POST", path: "/venue/api/v1/bookings",
                                 headers: ["X-Request-ID": "caller-id-1", "X-Forwarded-For": "203.0.113.9",
                                           "X-Internal-API-Key": "test-internal-key-0000000000000001"], body: "{}")
            #expect(upstream.last?.path == "/api/v1/bookings")
            #expect(upstream.last?.method == "POST")
            #expect(upstream.last?.headers["x-request-id"] == "caller-id-1")
            #expect(upstream.last?.headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1")
            #expect(upstream.last?.body == "{}")
            #expect(upstream.last?.headers["x-internal-api-key"] == nil, "an internal key from outside must be dropped")

            // Blocked: whatever the spelling, with or without a key, nothing reaches the upstream.
            let before = upstream.count
            let blocked = [
                "/internal", "/internal/", "/internal/venues", "/Internal/venues",
                "/venue/internal/venues", "/venue/internal", "/venue/INTERNAL/admin/venues",
                "/platform/internal/access", "/base/internal/x", "/finance/internal/x", "/promoter/internal/events/1",
                "/venue//internal/venues", "/venue/./internal/venues", "/venue/x/../internal/venues",
                "/venue/../internal/venues", "/venue/%2e%2e/internal/venues", "/venue/.%2E/internal/venues",
                "/venue/%2finternal/venues", "/venue/internal%2Fvenues", "/venue/%69nternal/venues",
                "/venue/%49NTERNAL/venues", "/venue/internal;a=b", "/venue/internal?x=1",
                "/venue/%252e%252e/internal/venues", "/venue/..%2finternal/venues", "/%76enue/internal/venues",
            ]
            for path in blocked {
                for headers in [[:], ["X-Internal-API-Key": "test-internal-key-0000000000000001"]] {
                    let response = try await RawHTTP.request(port: gateway.port, method: "GET", path: path, headers: headers)
                    #expect(response.status == 404, "\(path) → \(response.status)")
                    #expect(response.headers["x-kisum-gateway"] == "not-found", "\(path) must be answered by the gateway")
                    #expect(response.body.contains(#""code":"not_found""#), "\(path): body \(response.body)")
                }
            }
            #expect(upstream.count == before, "requests reached the upstream: \(upstream.paths.suffix(upstream.count - before))")

            // Unknown prefixes are the gateway's 404 too, and its own errors keep the request id.
            let unknown = try await RawHTTP.request(port: gateway.port, method: "GET", path: "/nope/health/ready", headers: ["X-Request-ID": "rid-7"])
            #expect(unknown.status == 404)
            #expect(unknown.headers["x-kisum-gateway"] == "not-found")
            #expect(unknown.headers["x-request-id"] == "rid-7")
            #expect(unknown.body.contains(#""requestId":"rid-7""#))
            #expect(upstream.count == before)
        }
    }

    @Test("a stopped upstream gives the gateway's JSON 502, not an HTML page",
          .enabled(if: findProgram("nginx") != nil, "nginx is not installed"))
    func upstreamDown() async throws {
        let gateway = try NginxInstance.gateway(upstreamPort: try LoopbackPort.free(), connections: 64)
        defer { gateway.remove() }
        try await gateway.start()
        defer { gateway.stop() }
        let response = try await RawHTTP.request(port: gateway.port, method: "GET", path: "/venue/health/ready")
        #expect(response.status == 502)
        #expect(response.headers["x-kisum-gateway"] == "unavailable")
        #expect(response.body.contains(#""code":"service_unavailable""#))
    }

    @Test("a body past the limit is the gateway's JSON 413 before it is read; a stalled client is cut off",
          .enabled(if: findProgram("nginx") != nil, "nginx is not installed"))
    func slowAndLargeClients() async throws {
        try await Self.withGateway { upstream, gateway in

            // Declared larger than 25 MB: refused on the head alone, nothing reaches the upstream.
            let before = upstream.count
            let large = try await RawHTTP.request(port: gateway.port, method: "POST", path: "/base/api/files/upload",
                                                  headers: ["Content-Length": "\(25 * 1024 * 1024 + 1)"])
            #expect(large.status == 413)
            #expect(large.headers["x-kisum-gateway"] == "too-large")
            #expect(large.body.contains(#""code":"payload_too_large""#), "\(large.body)")
            #expect(upstream.count == before)

            // A head that never ends, and a body that stops coming: each connection is closed after the 10 s timeout,
            // not the minute nginx would otherwise wait.
            async let stalledHead = RawHTTP.timeUntilClosed(port: gateway.port, sending: "GET /venue/health/live HTTP/1.1\r\nHost: x\r\n",
                                                            within: 30)
            async let stalledBody = RawHTTP.timeUntilClosed(
                port: gateway.port, sending: "POST /venue/api/v1/venues HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", within: 30)
            let (head, body) = await (stalledHead, stalledBody)
            let headClosed = try #require(head, "a stalled head kept its connection for 30 s")
            let bodyClosed = try #require(body, "a stalled body kept its connection for 30 s")
            #expect(headClosed >= .seconds(9) && headClosed < .seconds(20), "closed after \(headClosed)")
            #expect(bodyClosed >= .seconds(9) && bodyClosed < .seconds(20), "closed after \(bodyClosed)")
            #expect(upstream.count == before, "a stalled request reached the upstream")
        }
    }
}

extension GatewayTests {
    /// nginx with the gateway's configuration in front of a recording upstream, for `body`.
    static func withGateway(_ body: (RecordingUpstream, NginxInstance) async throws -> Void) async throws {
        let upstream = RecordingUpstream()
        try await upstream.run { upstreamPort in
            let gateway = try NginxInstance.gateway(upstreamPort: upstreamPort, connections: 64)
            defer { gateway.remove() }
            try await gateway.start()
            defer { gateway.stop() }
            try await body(upstream, gateway)
        }
    }
}

enum NginxConfig {
    /// The body of the first `<header> { … }` block (braces balanced), if any.
    static func block(named header: String, in text: String) -> String? {
        guard let start = text.range(of: header + " {") else { return nil }
        var depth = 1
        var index = start.upperBound
        while index < text.endIndex, depth > 0 {
            if text[index] == "{" { depth += 1 }
            if text[index] == "}" { depth -= 1 }
            index = text.index(after: index)
        }
        return depth == 0 ? String(text[start.upperBound..<text.index(before: index)]) : nil
    }
}

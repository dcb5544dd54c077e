import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import NIOConcurrencyHelpers
import NIOCore

/// A webhook receiver on a loopback port: records every POST to `/hook` (headers and raw body) and answers `status`.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var headers: [String: String]
        var body: [UInt8]

        var event: String? { headers["kisum-event"] }
        var signature: String? { headers["kisum-signature"] }
        var json: JSONValue { (try? JSONCoding.decoder.decode(JSONValue.self, from: Data(body))) ?? .null }
    }

    let deliveries = NIOLockedValueBox<[Delivery]>([])
    let status = NIOLockedValueBox<Int>(200)

    func received(_ event: String) -> [Delivery] { deliveries.withLockedValue { $0.filter { $0.event == event } } }

    func application(port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.post("/hook") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            self.deliveries.withLockedValue { $0.append(Delivery(headers: headers, body: Array(buffer: body))) }
            return Response(status: .init(code: self.status.withLockedValue { $0 }))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }
}

/// Polls `condition` until it holds or `seconds` pass (a loaded machine: generous deadlines, no timing assertions).
func webhookEventually(_ seconds: Double = 90, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import NIOConcurrencyHelpers
import NIOCore

/// A stand-in for Stripe's HTTP API, served by a Hummingbird app on a free port. It records what it
/// was asked and answers like Stripe for the calls Platform Core makes.
final class FakeStripe: Sendable {
    struct Recorded: Sendable {
        var method: String
        var path: String
        var form: [String: String]
        var idempotencyKey: String?
        var authorization: String?
    }

    let requests = NIOLockedValueBox<[Recorded]>([])
    /// Checkout sessions by id, as Stripe would return them (with `expand[]=subscription`).
    let sessions = NIOLockedValueBox<[String: JSONValue]>([:])
    /// Subscriptions by id for the billing routes (`FakeStripeBilling.swift`).
    let subscriptions = NIOLockedValueBox<[String: JSONValue]>([:])
    /// Scripted failure for POST /v1/subscriptions: (status, body).
    let subscriptionFailure = NIOLockedValueBox<(Int, String)?>(nil)

    func recorded(_ path: String) -> [Recorded] { requests.withLockedValue { $0.filter { $0.path == path } } }

    /// A completed, paid checkout for `email`.
    @discardableResult
    func addPaidCheckout(email: String, id: String = "cs_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))",
                         accessCode: String? = nil, created: Int = Int(Date().timeIntervalSince1970)) -> String {
        var metadata: [String: JSONValue] = [:]
        if let accessCode { metadata["access_code"] = .string(accessCode) }
        sessions.withLockedValue {
            $0[id] = [
                "id": .string(id), "object": "checkout.session", "status": "complete", "payment_status": "paid",
                "customer": "cus_paid123", "customer_details": ["email": .string(email), "name": "Paid Person"],
                "created": .number(Double(created)), "metadata": .object(metadata),
                "subscription": ["id": "sub_paid123", "status": "trialing", "trial_end": 1_900_000_000,
                                 "items": ["data": [["price": ["id": "price_pro"]]]]],
            ]
        }
        return id
    }

    func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.post("/v1/customers") { request, _ in
            try await self.record(request, "/v1/customers")
            return Self.json(["id": "cus_new123", "object": "customer"])
        }
        router.post("/v1/payment_methods/{pm}/attach") { request, context in
            try await self.record(request, "/v1/payment_methods/attach")
            return Self.json(["id": .string(context.parameters.get("pm") ?? ""), "customer": "cus_new123"])
        }
        router.post("/v1/subscriptions") { request, _ in
            try await self.record(request, "/v1/subscriptions")
            if let (status, body) = self.subscriptionFailure.withLockedValue({ $0 }) {
                return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: body)))
            }
            return Self.json(["id": "sub_new123", "status": "trialing", "trial_end": 1_900_000_000])
        }
        router.post("/v1/checkout/sessions") { request, _ in
            try await self.record(request, "/v1/checkout/sessions")
            return Self.json(["id": "cs_test_new", "url": "https://checkout.stripe.test/c/pay/cs_test_new"])
        }
        addBillingRoutes(to: router)
        router.get("/v1/checkout/sessions/{id}") { request, context in
            try await self.record(request, "/v1/checkout/sessions/{id}")
            guard let session = self.sessions.withLockedValue({ $0[context.parameters.get("id") ?? ""] }) else {
                return Response(status: .notFound, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"type":"invalid_request_error","message":"No such checkout.session"}}"#)))
            }
            return Self.json(session)
        }
        router.get("/v1/checkout/sessions") { request, _ in
            try await self.record(request, "/v1/checkout/sessions:list")
            // Hummingbird decodes query values but not keys; Stripe clients encode the brackets.
            let parameters = request.uri.queryParameters
            let email = (parameters.get("customer_details%5Bemail%5D") ?? parameters.get("customer_details[email]") ?? "").lowercased()
            let matching = self.sessions.withLockedValue { Array($0.values) }
                .filter { $0["customer_details"]?["email"]?.stringValue?.lowercased() == email }
            return Self.json(["object": "list", "data": .array(matching)])
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    @discardableResult
    func record(_ request: Request, _ path: String) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 1 << 20)
        var form: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        requests.withLockedValue {
            $0.append(Recorded(method: request.method.rawValue, path: path, form: form,
                               idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!],
                               authorization: request.headers[.authorization]))
        }
        return form
    }

    static func json(_ value: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try! JSONCoding.encoder.encode(value))))
    }
}

/// A stand-in for Clerk's Backend API (`GET /v1/users/{id}`).
final class FakeClerk: Sendable {
    let users = NIOLockedValueBox<[String: JSONValue]>([:])
    let authorizations = NIOLockedValueBox<[String]>([])

    func addUser(id: String, email: String, verified: Bool) {
        users.withLockedValue {
            $0[id] = ["id": .string(id), "first_name": "Clerk", "last_name": "User",
                      "email_addresses": [["email_address": .string(email), "verification": ["status": verified ? "verified" : "unverified"]]]]
        }
    }

    func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("/v1/users/{id}") { request, context in
            self.authorizations.withLockedValue { $0.append(request.headers[.authorization] ?? "") }
            guard let user = self.users.withLockedValue({ $0[context.parameters.get("id") ?? ""] }) else {
                return Response(status: .notFound)
            }
            return FakeStripe.json(user)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }
}

/// A minimal SMTP server on a loopback port (blocking sockets on its own thread): enough of RFC 5321 for
/// libcurl to deliver a message, recording the envelope and the data. `rejectRecipients` answers 550.
final class FakeSMTPServer: @unchecked Sendable {
    struct Delivery: Sendable {
        var from: String
        var recipients: [String]
        var data: String
        var auth: String?
    }

    // @unchecked: the listening socket is set once; deliveries are behind a lock.
    let port: Int
    private let listener: Int32
    let deliveries = NIOLockedValueBox<[Delivery]>([])
    let rejectRecipients: Bool

    init(rejectRecipients: Bool = false) throws {
        self.rejectRecipients = rejectRecipients
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        listen(fd, 8)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            handle(client)
            close(client)
        }
    }

    private func handle(_ fd: Int32) {
        var buffer = [UInt8]()
        func send(_ line: String) { _ = line.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) } }
        func readLine() -> String? {
            while true {
                if let index = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[..<index], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                    buffer.removeSubrange(...index)
                    return line
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { return nil }
                buffer.append(contentsOf: chunk[..<n])
            }
        }
        send("220 fake-smtp ready\r\n")
        var from = "", recipients: [String] = [], auth: String?
        while let line = readLine() {
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") || upper.hasPrefix("HELO") {
                send("250-fake-smtp\r\n250 AUTH PLAIN\r\n")
            } else if upper.hasPrefix("AUTH PLAIN") {
                // With or without the initial response (curl sends it only with CURLOPT_SASL_IR).
                let initial = line.split(separator: " ").dropFirst(2).first.map(String.init)
                if let initial {
                    auth = initial
                } else {
                    send("334 \r\n")
                    auth = readLine()
                }
                send("235 ok\r\n")
            } else if upper.hasPrefix("MAIL FROM:") {
                from = String(line.dropFirst("MAIL FROM:".count))
                send("250 ok\r\n")
            } else if upper.hasPrefix("RCPT TO:") {
                if rejectRecipients { send("550 no such user\r\n"); continue }
                recipients.append(String(line.dropFirst("RCPT TO:".count)))
                send("250 ok\r\n")
            } else if upper == "DATA" {
                send("354 go ahead\r\n")
                var lines: [String] = []
                while let dataLine = readLine(), dataLine != "." { lines.append(dataLine) }
                deliveries.withLockedValue {
                    $0.append(Delivery(from: from, recipients: recipients, data: lines.joined(separator: "\n"), auth: auth))
                }
                send("250 queued\r\n")
            } else if upper == "QUIT" {
                send("221 bye\r\n")
                return
            } else {
                send("250 ok\r\n")
            }
        }
    }
}

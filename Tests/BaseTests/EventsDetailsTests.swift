import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 9, Events: "Artists on the event bill", "Add artist to event", "Remove artist from event", "Event documents",
/// "Upload event document (multipart)", "Delete event document", "Event timeline", "Event activity log" — each write
/// logged in its own transaction, another company's ids 404.
@Suite("Base events: bill, documents, timeline, activity")
struct EventsDetailsTests {
    static let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)

    static func upload(_ api: APITestClient, _ path: String, _ bytes: [UInt8], filename: String = "rider.pdf",
                       contentType: String? = nil) async throws -> TestResponse {
        let boundary = "kisum-event-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/pdf\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers: HTTPFields = [.contentType: contentType ?? "multipart/form-data; boundary=\(boundary)"]
        if let token = api.token { headers[.authorization] = "Bearer \(token)" }
        if let org = api.org { headers[.xOrg] = org }
        return try await api.client.execute(uri: path, method: .post, headers: headers, body: body)
    }

    @Test func theBillKeepsBillingOrderAndRefusesDuplicates() async throws {
        try await withEvents { t in
            let api = t.a
            let head = try await api.makeAvailArtist("Headliner")
            let opener = try await api.makeAvailArtist("Opener")
            let id = try await api.makeEvent("Bill night", date: "2030-10-10", artists: [head])
            let added = try await api.post("/api/events/\(id)/artists", ["artistId": .string(opener.uuidString), "role": "support",
                                                                         "setTime": "19:30", "setMinutes": 30])
            #expect(added.status == .created)
            #expect(added.json["billingOrder"] == 2)
            #expect(added.json["setTime"] == "19:30")
            let bill = try await api.get("/api/events/\(id)/artists")
            #expect(bill.json["items"]?.arrayValue?.map { $0["artistName"]?.stringValue } == ["Headliner", "Opener"])
            #expect(bill.json["total"] == 2)
            let again = try await api.post("/api/events/\(id)/artists", ["artistId": .string(opener.uuidString)])
            #expect(again.errorCode == "artist_on_bill")
            let invalid = try await api.post("/api/events/\(id)/artists", ["role": "kazoo", "billingOrder": 0, "setTime": "7pm"])
            #expect(Set(invalid.errorFields) == ["artistId", "role", "billingOrder", "setTime"])
            let foreign = try await t.b.makeAvailArtist("B's artist")
            #expect(try await api.post("/api/events/\(id)/artists", ["artistId": .string(foreign.uuidString)]).errorFields == ["artistId"])
            #expect(try await api.delete("/api/events/\(id)/artists/\(opener)").status == .noContent)
            #expect(try await api.delete("/api/events/\(id)/artists/\(opener)").errorCode == "artist_not_on_bill")
            #expect(try await api.get("/api/events/\(id)/artists").json["total"] == 1)

            #expect(try await t.b.get("/api/events/\(id)/artists").status == .notFound)
            #expect(try await t.b.post("/api/events/\(id)/artists", ["artistId": .string(foreign.uuidString)]).status == .notFound)
            #expect(try await t.b.delete("/api/events/\(id)/artists/\(head)").status == .notFound)
            #expect(try await t.a(permissions: [BasePermission.eventsRead]).post("/api/events/\(id)/artists",
                                                                                 ["artistId": .string(opener.uuidString)]).status == .forbidden)
            let actions = try await api.get("/api/events/\(id)/activity").json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["created", "artist_added", "artist_removed"])
        }
    }

    @Test func documentsAreSniffedStoredDownloadedAndDeleted() async throws {
        try await withEvents { t in
            let api = t.a
            let id = try await api.makeEvent("Paper night", date: "2030-11-11")
            let path = "/api/events/\(id)/documents"
            let uploaded = try await Self.upload(api, path, Self.pdf, filename: "../../Rider v2.pdf")
            #expect(uploaded.status == .created)
            #expect(uploaded.json["contentType"] == "application/pdf")
            #expect(uploaded.json["fileName"] == "Rider v2.pdf")
            #expect(uploaded.json["sizeBytes"] == .number(Double(Self.pdf.count)))
            let documentID = try #require(uploaded.json["id"]?.uuid)
            let csv = try await Self.upload(api, path, Array("a,b\n1,2\n".utf8), filename: "lineup.csv")
            #expect(csv.json["contentType"] == "text/csv")
            // Declared a PDF, the bytes are an executable: refused by content.
            let elf = try await Self.upload(api, path, [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00], filename: "rider.pdf")
            #expect(elf.status == .unprocessableContent)
            #expect(elf.json["error"]?["details"]?[0]?["code"] == "unsupported_document_type")
            #expect(try await Self.upload(api, path, Self.pdf, contentType: "application/json").status == .unsupportedMediaType)
            #expect(try await Self.upload(api, path, Self.pdf, contentType: "multipart/form-data; boundary=other").status == .badRequest)
            let big = Self.pdf + Array(repeating: 0x20, count: 10 * 1024 * 1024)
            #expect(try await Self.upload(api, path, big).status == .contentTooLarge)

            let list = try await api.get(path)
            #expect(list.json["total"] == 2)
            let download = try await api.get("\(path)/\(documentID)/download")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(Array(download.body.readableBytesView) == Self.pdf)
            #expect(try await api.get("/api/events/\(id)/summary").json["documentCount"] == 2)

            #expect(try await t.b.get(path).status == .notFound)
            #expect(try await t.b.get("\(path)/\(documentID)/download").status == .notFound)
            #expect(try await Self.upload(t.b, path, Self.pdf).status == .notFound)
            #expect(try await t.b.delete("\(path)/\(documentID)").status == .notFound)
            #expect(try await Self.upload(t.a(permissions: [BasePermission.eventsRead]), path, Self.pdf).status == .forbidden)
            #expect(try await api.delete("\(path)/\(documentID)").status == .noContent)
            #expect(try await api.delete("\(path)/\(documentID)").status == .notFound)
            #expect(try await api.get(path).json["total"] == 1)
            let actions = try await api.get("/api/events/\(id)/activity").json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
            #expect(actions == ["created", "document_added", "document_added", "document_deleted"])
        }
    }

    @Test func timelineHasDoorsAndShowInTheEventsZone() async throws {
        try await withEvents { t in
            let api = t.a
            let created = try await api.post("/api/events", ["name": "Timed", "date": "2030-06-01", "doorsTime": "19:00", "showTime": "20:00",
                                                             "timezone": "Europe/Amsterdam", "currency": "EUR", "status": "confirmed"])
            let id = try #require(created.json["id"]?.uuid)
            let timeline = try await api.get("/api/events/\(id)/timeline")
            let items = timeline.json["items"]?.arrayValue ?? []
            #expect(items.compactMap { $0["kind"]?.stringValue } == ["created", "confirmed", "doors", "show"])
            // 19:00 in Amsterdam in June is 17:00 UTC.
            #expect(items[2]["at"]?.stringValue?.hasPrefix("2030-06-01T17:00:00") == true)
            #expect(try await t.b.get("/api/events/\(id)/timeline").status == .notFound)
            #expect(try await t.b.get("/api/events/\(id)/activity").status == .notFound)
            #expect(try await api.get("/api/events/\(id)/activity?limit=0").status == .badRequest)
        }
    }
    /// Many writers with the same version read: exactly one wins, the others get 409 `version_conflict`.
    @Test func concurrentReplacesWithOneVersionHaveOneWinner() async throws {
        try await withEvents { t in
            let api = t.a
            let id = try await api.makeEvent("Contested", date: "2030-12-12")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<20 {
                    group.addTask {
                        let body: JSONValue = ["name": .string("Writer \(n)"), "date": "2030-12-12", "currency": "EUR", "version": 1]
                        return Int(try await api.put("/api/events/\(id)", body).status.code)
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 409 }.count == 19)
            #expect(try await api.get("/api/events/\(id)").json["version"] == 2)
            let updates = try await api.get("/api/events/\(id)/activity").json["items"]?.arrayValue?.filter { $0["action"] == "updated" }
            #expect(updates?.count == 1)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 17: one wire convention for ids. Every service writes UUIDs in lower case and accepts either
/// case on input.
@Suite("Wire JSON")
struct WireJSONTests {
    struct Sample: Encodable {
        var id: UUID
        var ids: [UUID]
        var maybe: UUID?
        var missing: String?
        var when: Date
        var amountMinor: Int64
        var share: Double
        var wholeShare: Double
        var note: String
        var settings: [String: JSONValue]
        var nested: Inner
        struct Inner: Encodable { var innerID: UUID }
    }

    static let id = UUID(uuidString: "1C94649A-0F3B-4E4A-9D2B-6A1E2C3D4F50")!

    static func sample() -> Sample {
        Sample(id: id, ids: [id], maybe: id, missing: nil, when: Date(timeIntervalSince1970: 0), amountMinor: 1_000_000_000_000_000,
               share: 72.5, wholeShare: 80, note: "line\n\"quoted\" \\ tab\t \u{1} café /", settings: ["camelKey": ["id": .uuid(id)]],
               nested: .init(innerID: id))
    }

    @Test func uuidsAreLowerCaseDatesRFC3339AndKeysSorted() throws {
        let text = String(decoding: try JSONCoding.encoder.encode(Self.sample()), as: UTF8.self)
        #expect(!text.contains("1C94649A"))
        #expect(text == #"{"amountMinor":1000000000000000,"id":"1c94649a-0f3b-4e4a-9d2b-6a1e2c3d4f50","#
            + #""ids":["1c94649a-0f3b-4e4a-9d2b-6a1e2c3d4f50"],"maybe":"1c94649a-0f3b-4e4a-9d2b-6a1e2c3d4f50","#
            + #""missing":null,"nested":{"innerID":"1c94649a-0f3b-4e4a-9d2b-6a1e2c3d4f50"},"note":"line\n\"quoted\" \\ tab\t \u0001 café /","#
            + #""settings":{"camelKey":{"id":"1c94649a-0f3b-4e4a-9d2b-6a1e2c3d4f50"}},"share":72.5,"#
            + #""when":"1970-01-01T00:00:00.000Z","wholeShare":80}"#)
        // What Foundation reads back is what was meant.
        let back = try JSONCoding.decoder.decode(JSONValue.self, from: Data(text.utf8))
        #expect(back["note"] == .string(Self.sample().note))
        #expect(back["id"]?.uuid == Self.id)
    }

    @Test func snakeCaseConvertsPropertyNamesNotDataKeys() throws {
        let text = String(decoding: try JSONCoding.snakeCaseEncoder.encode(Self.sample()), as: UTF8.self)
        #expect(text.contains(#""amount_minor":1000000000000000"#))
        #expect(text.contains(#""nested":{"inner_id":"1c94649a"#))
        #expect(text.contains(#""settings":{"camelKey":"#))
        #expect(text.contains(#""whole_share":80"#))
        // Foundation's rule exactly (so Platform Core's keys did not change), checked against JSONEncoder.
        for (key, converted) in [("userID", "user_id"), ("myURLValue", "my_url_value"), ("avatarUrl", "avatar_url"), ("a", "a"),
                                 ("_private", "_private"), ("isJSON", "is_json"), ("x1Y2", "x1_y2")] {
            #expect(SnakeCaseProbe.convert(key) == converted, "\(key)")
        }
    }

    /// Issue 13, item 15: "the seed systems (FastAPI, Node, Go) send `null` for absent optional fields;
    /// clients test `=== null`. Encode absent optionals as `null` in every response."
    @Test func absentOptionalsAreSentAsNullNotDropped() throws {
        struct Outer: Encodable {
            var title: String?
            var count: Int?
            var amountMinor: Int64?
            var flag: Bool?
            var share: Double?
            var ownerID: UUID?
            var inner: Inner?
            var nested: Inner
            var tags: [String?]
            var list: [Inner]?
        }
        struct Inner: Encodable {
            var dueAt: Date?
            var noteText: String?
        }
        let value = Outer(title: nil, count: nil, amountMinor: nil, flag: nil, share: nil, ownerID: nil, inner: nil,
                          nested: Inner(dueAt: nil, noteText: "x"), tags: ["a", nil], list: nil)
        let camel = String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
        #expect(camel == #"{"amountMinor":null,"count":null,"flag":null,"inner":null,"list":null,"nested":{"dueAt":null,"noteText":"x"},"#
            + #""ownerID":null,"share":null,"tags":["a",null],"title":null}"#)
        // Platform Core's snake_case keys are converted for null members as for any other.
        let snake = String(decoding: try JSONCoding.snakeCaseEncoder.encode(value), as: UTF8.self)
        #expect(snake == #"{"amount_minor":null,"count":null,"flag":null,"inner":null,"list":null,"#
            + #""nested":{"due_at":null,"note_text":"x"},"owner_id":null,"share":null,"tags":["a",null],"title":null}"#)
        // What clients read: the key is there, and it is null.
        let back = try JSONCoding.decoder.decode(JSONValue.self, from: Data(camel.utf8))
        #expect(back.objectValue?.keys.contains("title") == true)
        #expect(back["title"] == .null)
        #expect(back["nested"]?["dueAt"]?.isNull == true)
        #expect(back["tags"]?[1] == .null)
        // A present optional is written as its value.
        let some = Outer(title: "t", count: 2, amountMinor: 3, flag: true, share: 0.5, ownerID: Self.id, inner: Inner(dueAt: nil, noteText: nil),
                         nested: Inner(dueAt: Date(timeIntervalSince1970: 0), noteText: nil), tags: [], list: [])
        let someBack = try JSONCoding.decoder.decode(JSONValue.self, from: try JSONCoding.encoder.encode(some))
        #expect(someBack["title"] == "t")
        #expect(someBack["count"] == 2)
        #expect(someBack["ownerID"]?.uuid == Self.id)
        #expect(someBack["inner"] == ["dueAt": nil, "noteText": nil])
        #expect(someBack["nested"]?["dueAt"] == "1970-01-01T00:00:00.000Z")
        #expect(someBack["list"] == [])
    }

    @Test func nonFiniteNumbersAreAnError() {
        struct Bad: Encodable { var value: Double }
        #expect(throws: EncodingError.self) { try JSONCoding.encoder.encode(Bad(value: .infinity)) }
        #expect(throws: EncodingError.self) { try JSONCoding.encoder.encode([Double.nan]) }
    }

    @Test func idsAreAcceptedInEitherCase() async throws {
        let router = Router<ServiceRequestContext>.kisum()
        router.get("/things/{id}") { _, context -> [String: UUID] in ["id": try context.parameters.uuid("id")] }
        try await Application(router: router).test(.router) { client in
            let api = APITestClient(client)
            for spelling in [Self.id.uuidString.uppercased(), Self.id.uuidString.lowercased()] {
                let response = try await api.get("/things/\(spelling)")
                #expect(response.status == .ok)
                #expect(response.text == #"{"id":"1c94649a-0f3b-4e4a-9d2b-6a1e2c3d4f50"}"#)
            }
        }
    }
}

/// The snake_case rule is internal to the kernel; this reaches it through the public encoder.
enum SnakeCaseProbe {
    static func convert(_ key: String) -> String {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ value: String) { stringValue = value }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        struct One: Encodable {
            let key: String
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(1, forKey: Key(key))
            }
        }
        let text = String(decoding: (try? JSONCoding.snakeCaseEncoder.encode(One(key: key))) ?? Data(), as: UTF8.self)
        return String(text.dropFirst(2).prefix { $0 != "\"" })
    }
}

import Foundation
import KisumKernel
import Logging
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test func aLineIsOneJSONObjectWithSortedMetadata() throws {
        var handler = JSONLogHandler(label: "kisum.test", level: .info)
        handler[metadataKey: "request_id"] = "r-1"
        let event = LogEvent(level: .warning, message: "slow \"query\"\n", metadata: [
            "status": .stringConvertible(404), "nested": .dictionary(["a": .array(["x", "y"])]), "msg": "not overriding",
        ], source: nil, file: #fileID, function: #function, line: #line)
        let line = handler.line(for: event)
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "kisum.test")
        #expect(object["msg"] as? String == "slow \"query\"\n")
        #expect(object["status"] as? String == "404")
        #expect(object["request_id"] as? String == "r-1")
        #expect((object["nested"] as? [String: Any])?["a"] as? [String] == ["x", "y"])
        #expect((object["ts"] as? String).flatMap(RFC3339.date(from:)) != nil)
        let text = String(decoding: line, as: UTF8.self)
        let keys = ["\"nested\"", "\"request_id\"", "\"status\""].compactMap { text.range(of: $0)?.lowerBound }
        #expect(keys == keys.sorted())
    }
}

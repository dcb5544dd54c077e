import Foundation
import KisumKernel
import Testing

/// The one-pass parser behind jsonb columns reads what Foundation's decoder reads, and refuses the rest.
@Suite("JSONValue parser")
struct JSONValueParserTests {
    func foundation(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test(arguments: [
        #"{}"#, #"[]"#, #"null"#, #"true"#, #"false"#, #"0"#, #"-0.5"#, #"1e3"#, #"12.5E-2"#, #""""#,
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-12.75}"#,
        #" { "spaced" : [ 1 , 2 ] } "#,
        #"{"escapes":"q\" b\\ s\/ \b\f\n\r\t \u00e9 \u20ac \ud83c\udfb5"}"#,
        #"{"utf8":"Zürich — 東京 🎵"}"#,
        #"[[[[[[1]]]]]]"#,
        #"{"big":9007199254740993,"small":1e-300}"#,
    ])
    func readsWhatFoundationReads(_ text: String) throws {
        #expect(try JSONValueParser.parse(text) == (try foundation(text)))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nul", "\"open", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
        "\"tab\there\"", "[1] 2", "NaN", "1e999", "{\"a\":1,}",
    ])
    func refusesMalformedText(_ text: String) {
        #expect(throws: JSONValueParser.Malformed.self) { try JSONValueParser.parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONValueParser.Malformed.self) { try bytes.withUnsafeBufferPointer { try JSONValueParser.parse($0) } }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONValueParser.Malformed.self) { try JSONValueParser.parse(deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try JSONValueParser.parse(fine) != .null)
    }
}

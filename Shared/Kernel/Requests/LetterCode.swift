/// Codes made of ASCII letters (ISO 4217 currencies, ISO 3166 country codes), read from request text.
public enum LetterCode {
    /// `text` upper-cased when it is `lengths` ASCII letters, else nil. Byte-level: no locale, no Foundation.
    public static func uppercased(_ text: some StringProtocol, lengths: ClosedRange<Int>) -> String? {
        let bytes = text.utf8
        guard lengths.contains(bytes.count),
              bytes.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) else { return nil }
        return String(decoding: bytes.map { $0 & ~0x20 }, as: UTF8.self)
    }
}

/// HTTP header values trimmed of the spaces and tabs around them (RFC 9110 OWS), over bytes: Foundation's
/// `trimmingCharacters` showed in every tenant read's profile (bearer token, tenant header).
enum HeaderText {
    static func trimmed(_ text: Substring) -> Substring {
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        let bytes = text.utf8
        let start = bytes.drop(while: isBlank)
        guard let last = start.lastIndex(where: { !isBlank($0) }) else { return text[text.endIndex...] }
        return Substring(start[...last])
    }
}

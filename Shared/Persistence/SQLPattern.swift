/// LIKE / ILIKE patterns built from user text.
public enum SQLPattern {
    /// `%text%`, with the text's own `%`, `_` and `\` taken literally (PostgreSQL's default LIKE escape is `\`),
    /// so a search for "50%" finds "50%" and not everything starting with "50". Nil stays nil (no filter).
    public static func contains(_ text: String?) -> String? {
        text.map { "%\(literal($0))%" }
    }

    /// `text%`: starts with the text, taken literally as in `contains`.
    public static func startsWith(_ text: String?) -> String? {
        text.map { "\(literal($0))%" }
    }

    private static func literal(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

import FaroModel

/// `priv/tfa.cfg`, Proxmox's JSON file of second factors: `{"users": {"<userid>": {...}}}` with,
/// per user, lists `totp`, `webauthn`, `u2f` and `yubico` of entries, one `recovery` set, and
/// the lock marks `totp-locked` and `tfa-locked-until`. The model edits the parsed JSON in
/// place, so members Faro does not know (a newer Proxmox's, `u2f`, the top-level `webauthn`
/// settings) are written back unchanged.
public struct TFAConfig: Sendable, Equatable {
    var root: [String: JSONValue]

    public init() { root = [:] }

    public enum ParseError: Error, Sendable, CustomStringConvertible {
        case notJSON(String), notAnObject

        public var description: String {
            switch self {
            case .notJSON(let reason): return "tfa.cfg is not valid JSON: \(reason)"
            case .notAnObject: return "tfa.cfg does not hold a JSON object"
            }
        }
    }

    /// An empty or missing file is an empty configuration.
    public static func parse(_ text: String) throws(ParseError) -> TFAConfig {
        var config = TFAConfig()
        guard !text.allSatisfy(\.isWhitespace) else { return config }
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch { throw .notJSON(error.description) }
        guard case .object(let members) = value else { throw .notAnObject }
        config.root = members
        return config
    }

    public func render() -> String { JSONWriter.string(.object(root)) + "\n" }

    /// The users with an entry in the file.
    public var userIDs: [String] { (root["users"]?.objectValue ?? [:]).keys.sorted() }

    /// The user's data; an empty value for a user without one.
    public subscript(user: String) -> TFAUser {
        get { TFAUser(raw: root["users"]?[user]?.objectValue ?? [:]) }
        set {
            var users = root["users"]?.objectValue ?? [:]
            users[user] = newValue.isEmpty ? nil : .object(newValue.raw)
            root["users"] = users.isEmpty ? nil : .object(users)
        }
    }
}

/// The kinds of second factor Proxmox knows; the raw value is the list's key in `tfa.cfg` and
/// the `type` of the API.
public enum TFAKind: String, Sendable, CaseIterable {
    case totp, u2f, webauthn, recovery, yubico
}

/// One user's second factors in `tfa.cfg`.
public struct TFAUser: Sendable, Equatable {
    var raw: [String: JSONValue]

    init(raw: [String: JSONValue]) { self.raw = raw }

    /// A user without any second factor.
    public static let empty = TFAUser(raw: [:])

    public var isEmpty: Bool { raw.isEmpty }

    /// The entries of a list kind (all but `recovery`).
    public func entries(_ kind: TFAKind) -> [TFAEntry] {
        (raw[kind.rawValue]?.arrayValue ?? []).compactMap { $0.objectValue.map(TFAEntry.init(raw:)) }
    }

    public mutating func setEntries(_ kind: TFAKind, _ entries: [TFAEntry]) {
        raw[kind.rawValue] = entries.isEmpty ? nil : .array(entries.map { .object($0.raw) })
    }

    public var recovery: RecoveryKeys? {
        get { raw["recovery"]?.objectValue.map(RecoveryKeys.init(raw:)) }
        set { raw["recovery"] = newValue.map { .object($0.raw) } }
    }

    /// Set after too many wrong TOTP codes; a recovery key or an admin clears it.
    public var totpLocked: Bool {
        get { raw["totp-locked"]?.boolValue ?? false }
        set { raw["totp-locked"] = newValue ? .bool(true) : nil }
    }

    /// Until when (epoch) every second factor is refused after too many failures.
    public var tfaLockedUntil: Int? {
        get { raw["tfa-locked-until"]?.intValue }
        set { raw["tfa-locked-until"] = newValue.map(JSONValue.int) }
    }

    /// Every entry with its kind, recovery keys as one entry with id `recovery`.
    public var allEntries: [(kind: TFAKind, entry: TFAEntry)] {
        var result: [(TFAKind, TFAEntry)] = []
        for kind in TFAKind.allCases where kind != .recovery {
            result += entries(kind).map { (kind, $0) }
        }
        if let recovery { result.append((.recovery, TFAEntry(id: "recovery", description: "", created: recovery.created, entry: .null))) }
        return result
    }

    /// Whether a login must show a second factor: an enabled entry or an unused recovery key.
    public var hasEnabledFactor: Bool {
        TFAKind.allCases.contains { kind in kind != .recovery && entries(kind).contains(where: \.enable) }
            || !(recovery?.availableIndices.isEmpty ?? true)
    }
}

/// One entry of a list: `id`, `description`, `created`, `enable` (written only when false)
/// and the factor itself in `entry` (a TOTP URI, a WebAuthn credential, a YubiKey id).
public struct TFAEntry: Sendable, Equatable {
    var raw: [String: JSONValue]

    init(raw: [String: JSONValue]) { self.raw = raw }

    public init(id: String, description: String, created: Int, entry: JSONValue) {
        raw = ["id": .string(id), "created": .int(created), "entry": entry]
        self.description = description
    }

    public var id: String { raw["id"]?.stringValue ?? "" }
    public var created: Int { raw["created"]?.intValue ?? 0 }
    public var entry: JSONValue {
        get { raw["entry"] ?? .null }
        set { raw["entry"] = newValue }
    }

    public var description: String {
        get { raw["description"]?.stringValue ?? "" }
        set { raw["description"] = newValue.isEmpty ? nil : .string(newValue) }
    }

    public var enable: Bool {
        get { raw["enable"]?.boolValue ?? true }
        set { raw["enable"] = newValue ? nil : .bool(false) }
    }

    /// The entry's fields as the API lists them (no secrets).
    public func info(kind: TFAKind) -> [String: JSONValue] {
        var info: [String: JSONValue] = [
            "id": .string(id), "type": .string(kind.rawValue), "description": .string(description), "created": .int(created),
        ]
        if !enable { info["enable"] = .int(0) }
        return info
    }
}

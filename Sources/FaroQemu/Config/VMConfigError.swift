import FaroModel

/// Problems with a VM's configuration; `key` names the option so the API can report it as a
/// parameter error.
public enum VMConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case unparsable(String)
    case invalidOption(key: String, message: String)

    public var description: String {
        switch self {
        case .unparsable(let message): return message
        case .invalidOption(let key, let message): return "\(key): \(message)"
        }
    }
}

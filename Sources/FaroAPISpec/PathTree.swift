/// The method table as a tree of path segments. At one level a node has literal children or
/// one variable child (`{name}`), as in Proxmox. Lookups split the path on `/`, ignoring
/// empty segments, so `qemu/100/` and `qemu//100` resolve alike. A variable that ends a
/// path matches the rest of the path, slashes included.
public struct PathTree: Sendable {
    public struct Node: Sendable {
        public var path: String
        public var literals: [String: Node] = [:]
        public var variableName: String?
        var variableChildStorage: [Node] = []
        public var methods: [HTTPVerb: APIMethod] = [:]

        public var variableChild: Node? { variableChildStorage.first }
        public var hasChildren: Bool { !literals.isEmpty || !variableChildStorage.isEmpty }
    }

    public struct Match: Sendable {
        public let node: Node
        public let pathParameters: [String: String]
    }

    public private(set) var root = Node(path: "/")

    public init(methods: [APIMethod]) {
        for method in methods { insert(method) }
    }

    mutating func insert(_ method: APIMethod) {
        let segments = method.path.split(separator: "/").map(String.init)
        Self.insert(method, segments: segments[...], into: &root, prefix: "")
    }

    private static func insert(_ method: APIMethod, segments: ArraySlice<String>, into node: inout Node, prefix: String) {
        guard let first = segments.first else {
            precondition(node.methods[method.verb] == nil, "duplicate API method \(method.id)")
            node.methods[method.verb] = method
            return
        }
        let path = prefix + "/" + first
        if first.hasPrefix("{") {
            let name = String(first.dropFirst().dropLast())
            precondition(node.literals.isEmpty && (node.variableName == nil || node.variableName == name),
                "path level \(prefix) mixes literal and variable children")
            node.variableName = name
            if node.variableChildStorage.isEmpty { node.variableChildStorage = [Node(path: path)] }
            insert(method, segments: segments.dropFirst(), into: &node.variableChildStorage[0], prefix: path)
        } else {
            precondition(node.variableName == nil, "path level \(prefix) mixes literal and variable children")
            var child = node.literals[first] ?? Node(path: path)
            insert(method, segments: segments.dropFirst(), into: &child, prefix: path)
            node.literals[first] = child
        }
    }

    /// Resolves a concrete path (already percent-decoded) to its node and path parameters.
    public func match(_ path: String) -> Match? {
        var node = root
        var parameters: [String: String] = [:]
        let segments = path.split(separator: "/")
        for (index, segment) in segments.enumerated() {
            if let child = node.literals[String(segment)] {
                node = child
            } else if let name = node.variableName, let child = node.variableChild {
                // A variable at the end of a path takes the rest of it: volume ids
                // (`local:100/vm-100-disk-0.qcow2`) and nested pool ids (`a/b`) contain `/`.
                if !child.hasChildren {
                    parameters[name] = segments[index...].joined(separator: "/")
                    return Match(node: child, pathParameters: parameters)
                }
                parameters[name] = String(segment)
                node = child
            } else {
                return nil
            }
        }
        return Match(node: node, pathParameters: parameters)
    }
}

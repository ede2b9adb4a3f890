import FaroSchema

/// The whole method table. Each resource contributes its declarations in its own file
/// (`Spec+Nodes.swift`, ...); this type composes them and indexes them by path.
public struct APISpec: Sendable {
    public let methods: [APIMethod]
    public let tree: PathTree

    public init(methods: [APIMethod]) {
        self.methods = methods
        self.tree = PathTree(methods: methods)
    }

    /// Faro's API.
    public static let faro = APISpec(
        methods: rootMethods + clusterMethods + clusterConfigMethods + clusterOptionMethods + nodeMethods + nodeConfigMethods + nodeSystemMethods + networkMethods + taskMethods + accessMethods + accessTFAMethods + poolMethods + storageMethods
            + nodeStorageMethods + vzdumpMethods + backupInfoMethods + backupJobMethods + qemuMethods + qemuStatusMethods + qemuSnapshotMethods + qemuConsoleMethods + termproxyMethods + qemuAgentMethods + qemuDiskMethods + qemuCloudInitMethods
            + lxcMethods + lxcSnapshotMethods + lxcHostMethods + metricsMethods + metricServerMethods + nodeSubscriptionMethods)

    public func method(_ verb: HTTPVerb, _ path: String) -> APIMethod? {
        tree.match(path)?.node.methods[verb]
    }
}

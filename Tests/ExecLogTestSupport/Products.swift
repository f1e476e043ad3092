import Foundation

/// The package's executables of the same build as the running test executable.
public enum Products {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// `execlogd`, `execlog`, `execlog-loadgen`: next to the test executable, in the build folder of the
    /// same build; never another build's (a stale binary would test old code).
    public static func url(_ name: String) throws -> URL {
        guard let first = CommandLine.arguments.first else {
            throw Missing(description: "\(name): the test executable's path is unknown")
        }
        let url = URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isExecutableFile(atPath: url.path)
        else {
            throw Missing(description: "\(name) was not built next to the tests (\(url.path)): run swift build --build-tests")
        }
        return url
    }
}

import ExecLogModel
import Foundation

/// Small JSON helpers for protocol bodies.
enum JSONText {
    static func object(_ members: [String: JSONValue]) -> String {
        JSONValue.object(members).serialized()
    }

    static func stringField(_ name: String, in bytes: [UInt8]) -> String? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else { return nil }
        return value[name]?.stringValue
    }
}

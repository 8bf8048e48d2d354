import Foundation

/// tRPC's WebSocket wire format: JSON-RPC 2.0 style envelopes.
///
/// Requests `{"id":1,"jsonrpc":"2.0","method":"query"|"mutation"|"subscription","params":{"path":…,"input":…}}`,
/// `{"id":1,"method":"subscription.stop"}`, and (tRPC 11) `{"method":"connectionParams","data":{…}}`.
/// Responses `{"id":1,"jsonrpc":"2.0","result":{"type":"data"|"started"|"stopped","data":…}}` or
/// `{"id":1,"jsonrpc":"2.0","error":{"message":…,"code":-32600,"data":{"code":"BAD_REQUEST","httpStatus":400,"path":…}}}`.
enum TRPCWire {
    /// tRPC error codes with their JSON-RPC numbers and HTTP statuses.
    enum ErrorCode: String {
        case parseError = "PARSE_ERROR"
        case badRequest = "BAD_REQUEST"
        case unauthorized = "UNAUTHORIZED"
        case notFound = "NOT_FOUND"
        case methodNotSupported = "METHOD_NOT_SUPPORTED"
        case tooManyRequests = "TOO_MANY_REQUESTS"
        case internalServerError = "INTERNAL_SERVER_ERROR"

        var number: Int {
            switch self {
            case .parseError: -32700
            case .badRequest: -32600
            case .unauthorized: -32001
            case .notFound: -32004
            case .methodNotSupported: -32005
            case .tooManyRequests: -32029
            case .internalServerError: -32603
            }
        }

        var httpStatus: Int {
            switch self {
            case .parseError, .badRequest: 400
            case .unauthorized: 401
            case .notFound: 404
            case .methodNotSupported: 405
            case .tooManyRequests: 429
            case .internalServerError: 500
            }
        }
    }

    /// Sent to every tRPC connection before a graceful shutdown.
    static let reconnectNotification = #"{"id":null,"method":"reconnect"}"#

    static func result(idJSON: String, type: String, dataJSON: String? = nil) -> String {
        let data = dataJSON.map { #","data":\#($0)"# } ?? ""
        return #"{"id":\#(idJSON),"jsonrpc":"2.0","result":{"type":"\#(type)"\#(data)}}"#
    }

    static func error(idJSON: String, code: ErrorCode, message: String, path: String?) -> String {
        var data: [String: Any] = ["code": code.rawValue, "httpStatus": code.httpStatus]
        if let path { data["path"] = path }
        let error: [String: Any] = ["message": message, "code": code.number, "data": data]
        return #"{"id":\#(idJSON),"jsonrpc":"2.0","error":\#(serialize(error))}"#
    }

    static func serialize(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let string = value as? String { return serialize([string]).dropFirst().dropLast().description }
        guard JSONSerialization.isValidJSONObject(value),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
        else {
            // numbers and booleans on their own
            if let number = value as? NSNumber { return number.stringValue }
            return "null"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

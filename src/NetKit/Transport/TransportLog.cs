using System.Net;
using Microsoft.Extensions.Logging;

namespace NetKit.Transport;

/// <summary>The transport's log lines, source-generated so a disabled level costs nothing.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "[{Service}] New connection from {Peer}")]
    public static partial void NewConnection(ILogger logger, string service, EndPoint? peer);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "[{Service}] Connection closed by {Peer}")]
    public static partial void ConnectionClosed(ILogger logger, string service, EndPoint? peer);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "[{Service}] Connection with {Peer} ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string service, EndPoint? peer, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "[{Service}] Accept failed ({Error}); backing off")]
    public static partial void AcceptFailed(ILogger logger, string service, string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "[{Service}] Connection with {Peer} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, string service, EndPoint? peer);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "[{Service}] Listening on {Transport} {EndPoint} ({Model} model)")]
    public static partial void Listening(ILogger logger, string service, string transport, EndPoint endPoint, string model);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "[{Service}] Stopping: {Count} connection(s) finishing")]
    public static partial void Stopping(ILogger logger, string service, int count);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "[{Service}] Grace period over: cutting {Count} connection(s)")]
    public static partial void GraceExpired(ILogger logger, string service, int count);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "[{Service}] Datagram from {Peer} dropped")]
    public static partial void DatagramDropped(ILogger logger, string service, EndPoint? peer);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "[{Service}] Closing the connection with {Peer}: {Reason}")]
    public static partial void ConnectionCut(ILogger logger, string service, EndPoint? peer, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "[{Service}] Refused {Count} connection(s) in the last {Seconds} s: at the limit of {Limit} connections")]
    public static partial void ConnectionsRefused(ILogger logger, string service, long count, int seconds, int limit);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "[{Service}] {Message}")]
    public static partial void LimitLowered(ILogger logger, string service, string message);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "[{Service}] Event loop {Loop} stopped: {Error}")]
    public static partial void LoopFailed(ILogger logger, string service, int loop, string error);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "[{Service}] Datagram loop error: {Error}")]
    public static partial void DatagramError(ILogger logger, string service, string error);
}

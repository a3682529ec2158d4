using System.Net;

namespace NetKit.Connections;

/// <summary>What a protocol core may know about its connection: for client listings and logs.</summary>
public sealed record ConnectionInfo(long Id, EndPoint? RemoteEndPoint, EndPoint? LocalEndPoint, DateTimeOffset ConnectedAt);

namespace NetKit.KeyValue;

/// <summary>One SLOWLOG GET entry: id, Unix time, duration in µs, arguments, client address and name.</summary>
internal sealed record SlowLogEntry(long Id, long UnixSeconds, long Micros, string[] Arguments, string Peer, string ClientName);

namespace NetKit.Transport;

/// <summary>What a server reports to <see cref="NetKitMetrics"/>'s observable totals.</summary>
internal interface IMeteredServer
{
    string Name { get; }

    long BytesReceived { get; }

    long BytesSent { get; }
}

using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Hosting;
using NetKit.KeyValue;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>Starts services in-process on a free loopback port, the way <c>netkit serve</c> builds them.</summary>
public static class TestServers
{
    /// <param name="endPoint">Where to listen; null = 127.0.0.1 on a free port.</param>
    public static INetworkServer Start(ServiceDefinition service, ServiceSettings settings, EndPoint? endPoint = null)
    {
        if (service == KeyValueService.Definition)
        {
            return StartKeyValue(settings, endPoint: endPoint);
        }

        var server = ServiceFactory.Create(service, endPoint ?? new IPEndPoint(IPAddress.Loopback, 0), settings,
            NullLoggerFactory.Instance);
        server.Start();
        return server;
    }

    /// <summary>A kv server over <paramref name="store"/> (a new one when null), in memory, with the shared settings.</summary>
    public static INetworkServer StartKeyValue(ServiceSettings settings, KeyValueStore? store = null, EndPoint? endPoint = null)
    {
        var server = new KeyValueServer(new KeyValueServerOptions
        {
            Port = 0,
            EndPoint = endPoint,
            Tls = settings.Tls,
            UnixSocketPermissions = settings.UnixSocketPermissions,
            Model = settings.Model,
            MaxConnections = settings.MaxConnections,
            MaxThreads = settings.MaxThreads,
            IdleTimeout = settings.IdleTimeout,
            ShutdownGracePeriod = settings.ShutdownGracePeriod,
            OutputLimit = settings.OutputLimit,
            SubscriberOutputLimit = settings.SubscriberOutputLimit,
            TimeProvider = settings.TimeProvider,
            MinRequestDataRate = settings.MinRequestDataRate,
            MaxLineLength = settings.MaxLineLength,
            Store = store,
        });
        server.Start();
        return server;
    }

    /// <summary>Waits for <paramref name="task"/> at most <paramref name="limit"/> (default
    /// <see cref="LoopbackClient.Timeout"/>), failing with <paramref name="what"/> when it takes longer.</summary>
    public static async Task WithinAsync(this Task task, string what, TimeSpan? limit = null)
    {
        try
        {
            await task.WaitAsync(limit ?? LoopbackClient.Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not happen within {(limit ?? LoopbackClient.Timeout).TotalSeconds} s");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, for at most <see cref="LoopbackClient.Timeout"/>:
    /// for server state that has no event to await.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + LoopbackClient.Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what} did not happen within {LoopbackClient.Timeout.TotalSeconds} s");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Asserts the bytes are equal, naming the first difference instead of dumping megabytes.</summary>
    public static void AssertSameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        int common = Math.Min(expected.Length, actual.Length);
        int mismatch = expected[..common].CommonPrefixLength(actual[..common]);
        Assert.True(mismatch == common && expected.Length == actual.Length,
            mismatch < common
                ? $"byte {mismatch} differs: expected {expected[mismatch]}, got {actual[mismatch]}"
                : $"expected {expected.Length} bytes, got {actual.Length}");
    }
}

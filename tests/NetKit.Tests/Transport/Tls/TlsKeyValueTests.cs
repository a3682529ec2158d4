using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using NetKit.KeyValue;
using NetKit.Tests.KeyValue.Server;
using NetKit.Transport;
using StackExchange.Redis;

namespace NetKit.Tests.Transport.Tls;

/// <summary>
/// kv's TLS port beside its plain one, as Redis's tls-port: redis-cli --tls --cacert and StackExchange.Redis
/// with ssl=true against an in-process server, a client trusting another CA refused, the plain port unchanged.
/// </summary>
public sealed class TlsKeyValueTests
{
    private static readonly TestCertificates Certificates = TestCertificates.Instance;
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(20);

    private static Task<KeyValueServer> StartAsync(int? tlsPort = 0) =>
        KeyValueServer.StartAsync(new KeyValueServerOptions { Port = 0, Tls = Certificates.ServerOptions(), TlsPort = tlsPort });

    private static Task<ToolResult> RedisCli(EndPoint endPoint, string caFile, params string[] args) =>
        ExternalTool.RunAsync("redis-cli",
            ["-h", "127.0.0.1", "-p", EndPointPort.Of(endPoint).ToString(CultureInfo.InvariantCulture), "--tls", "--cacert", caFile, .. args],
            CliTimeout);

    /// <summary>StackExchange.Redis over TLS, trusting the throwaway CA through its validation callback.</summary>
    private static Task<ConnectionMultiplexer> ConnectSeRedisAsync(EndPoint endPoint, X509Certificate2 trusted)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { endPoint },
            Ssl = true,
            SslHost = "127.0.0.1",
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            SyncTimeout = 5000,
        };
        options.CertificateValidation += (_, certificate, _, errors) => TrustedBy(trusted, certificate, errors);
        return ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static bool TrustedBy(X509Certificate2 root, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        return chain.Build(new X509Certificate2(certificate));
    }

    [Fact]
    public async Task TheTlsPort_ServesTls_AndThePlainPortStaysPlain()
    {
        await using var server = await StartAsync();
        Assert.NotNull(server.TlsEndPoint);
        Assert.NotEqual(server.EndPoint, server.TlsEndPoint);
        Assert.Equal([false, true], server.Listeners.Select(l => l.Tls));

        using (var plain = await LoopbackClient.ConnectAsync(server.EndPoint))
        {
            await plain.SendAsync("SET k plain\n");
            await plain.ExpectAsync("OK\n");
        }

        await using var tls = await TlsTestClient.ConnectAsync(server.TlsEndPoint!);
        await tls.SendAsync("GET k\n");
        await tls.ExpectAsync("plain\n");
    }

    [Fact]
    public async Task TlsOnly_TheOneListenerSpeaksTls()
    {
        await using var server = await StartAsync(tlsPort: null);
        Assert.Equal(server.EndPoint, server.TlsEndPoint);
        await using var tls = await TlsTestClient.ConnectAsync(server.EndPoint);
        await tls.SendAsync("*1\r\n$4\r\nPING\r\n");
        await tls.ExpectAsync("+PONG\r\n");
    }

    [Fact]
    public async Task StackExchangeRedis_WithSsl_AndAValidationCallbackTrustingTheCa()
    {
        await using var server = await StartAsync();
        await using var redis = await ConnectSeRedisAsync(server.TlsEndPoint!, Certificates.Ca);
        var db = redis.GetDatabase();

        Assert.True(await db.StringSetAsync("tls:key", "secret", TimeSpan.FromMinutes(1)));
        Assert.Equal("secret", (string?)await db.StringGetAsync("tls:key"));
        Assert.Equal(1, await db.HashIncrementAsync("tls:hash", "n"));
        var transaction = db.CreateTransaction();
        transaction.AddCondition(Condition.KeyExists("tls:key"));
        _ = transaction.StringSetAsync("tls:other", "set in a transaction");
        Assert.True(await transaction.ExecuteAsync());
        Assert.Equal(3, server.Database.Store.Count);
    }

    [Fact]
    public async Task StackExchangeRedis_TrustingAnotherCa_CannotConnect()
    {
        await using var server = await StartAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConnectSeRedisAsync(server.TlsEndPoint!, Certificates.WrongCa));

        Assert.IsType<RedisConnectionException>(error);
        await using var good = await ConnectSeRedisAsync(server.TlsEndPoint!, Certificates.Ca);
        Assert.True(good.IsConnected);
    }

    [RequiresToolFact("redis-cli")]
    public async Task RedisCli_WithTlsAndTheCa()
    {
        await using var server = await StartAsync();

        var set = await RedisCli(server.TlsEndPoint!, Certificates.CaFile, "set", "cli", "over tls");
        Assert.True(set.ExitCode == 0 && set.Stdout == "OK\n", set.ToString());
        var get = await RedisCli(server.TlsEndPoint!, Certificates.CaFile, "get", "cli");
        Assert.Equal("over tls\n", get.Stdout);
        var info = await RedisCli(server.TlsEndPoint!, Certificates.CaFile, "info", "server");
        Assert.Contains("redis_version:7.0.15", info.Stdout, StringComparison.Ordinal);
    }

    [RequiresToolFact("redis-cli")]
    public async Task RedisCli_TrustingAnotherCa_IsRefused_AndTheServerGoesOn()
    {
        await using var server = await StartAsync();

        var refused = await RedisCli(server.TlsEndPoint!, Certificates.WrongCaFile, "ping");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate verify failed", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("PONG", refused.Stdout, StringComparison.Ordinal);
        var ping = await RedisCli(server.TlsEndPoint!, Certificates.CaFile, "ping");
        Assert.Equal("PONG\n", ping.Stdout);
    }

    [Fact]
    public async Task KeyValueClient_OverTls()
    {
        await using var server = await StartAsync();
        await using var client = await KeyValueClient.ConnectAsync(HostPort.FromEndPoint(server.TlsEndPoint!),
            ClientOptions.Default with { Tls = Certificates.ClientOptions() });

        await client.SetAsync("via", "the client");
        Assert.Equal("the client", await client.GetAsync("via"));
    }
}

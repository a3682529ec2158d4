using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using NetKit.Hosting;
using NetKit.Tests.Cli;
using NetKit.Tests.KeyValue.Server;
using NetKit.Transport;

namespace NetKit.Tests.Transport;

/// <summary>
/// What a Unix socket listener does with its file, on every model: a stale one (no server answers) is
/// replaced, a live one or a file of another kind is refused and left alone, the permissions asked for are
/// set before anyone can connect, and a clean stop removes the file.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixSocketFileTests : IDisposable
{
    private readonly UnixSocketDirectory _directory = new();

    public static TheoryData<ConnectionModel> Models => [ConnectionModel.Epoll, ConnectionModel.Async, ConnectionModel.Threads];

    private static INetworkServer StartEcho(string path, ConnectionModel model, UnixFileMode? permissions = null) =>
        TestServers.Start(NetKitServices.Echo, new ServiceSettings { Model = model, UnixSocketPermissions = permissions },
            new UnixDomainSocketEndPoint(path));

    private static async Task AssertEchoesAsync(string path)
    {
        using var client = await LoopbackClient.ConnectAsync(new UnixDomainSocketEndPoint(path));
        await client.SendAsync("over a unix socket");
        await client.ExpectAsync("over a unix socket");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task AStaleSocketFile_IsReplaced(ConnectionModel model)
    {
        string path = _directory.NewPath();
        // Bound but never listening: the file is there and a connect is refused, as after a crash.
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(path));
        Assert.True(File.Exists(path));

        await using (StartEcho(path, model))
        {
            await AssertEchoesAsync(path);
        }

        Assert.False(File.Exists(path), "the clean stop removes the socket file");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ASocketAServerAnswersOn_IsAddressInUse_AndKeepsServing(ConnectionModel model)
    {
        string path = _directory.NewPath();
        await using var first = StartEcho(path, model);

        var error = Assert.Throws<NetKitException>(() => StartEcho(path, model));

        Assert.Equal(NetErrorKind.AddressInUse, error.Kind);
        Assert.Equal($"cannot listen on unix:{path}: address already in use", error.Message);
        await AssertEchoesAsync(path);
    }

    [Fact]
    public void AFileThatIsNotASocket_IsRefused_AndLeftAlone()
    {
        string path = _directory.NewPath();
        File.WriteAllText(path, "precious");

        var error = Assert.Throws<NetKitException>(() => StartEcho(path, ConnectionModel.Async));

        Assert.Equal(NetErrorKind.AddressInUse, error.Kind);
        Assert.Contains("not a socket", error.Message, StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Permissions_AreThoseAskedFor(ConnectionModel model)
    {
        string path = _directory.NewPath();
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        await using (StartEcho(path, model, ownerOnly))
        {
            Assert.Equal(ownerOnly, File.GetUnixFileMode(path));
            await AssertEchoesAsync(path);
        }

        const UnixFileMode everyone = ownerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        await using (StartEcho(path, model, everyone))
        {
            Assert.Equal(everyone, File.GetUnixFileMode(path));
        }
    }

    /// <summary>Connecting needs write permission on the socket file: the mode keeps other users out.</summary>
    [UnprivilegedFact]
    public async Task Permissions_KeepOutWhoTheyExclude()
    {
        // As root (which any mode lets in) the peer is nobody, run through setpriv; otherwise it is this user.
        bool root = Environment.IsPrivilegedProcess;
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var denied = root ? ownerOnly : UnixFileMode.UserRead | UnixFileMode.UserExecute;
        var allowed = root ? (UnixFileMode)0b111_111_111 : ownerOnly;
        File.SetUnixFileMode(_directory.Path, (UnixFileMode)0b111_101_101); // others may reach the file in it
        string path = _directory.NewPath();

        async Task<ToolResult> ConnectAsPeer()
        {
            string[] socat = ["socat", "-u", "OPEN:/dev/null", $"UNIX-CONNECT:{path}"];
            return root
                ? await ExternalTool.RunAsync("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", .. socat], TimeSpan.FromSeconds(10))
                : await ExternalTool.RunAsync("socat", socat[1..], TimeSpan.FromSeconds(10));
        }

        await using (StartEcho(path, ConnectionModel.Epoll, denied))
        {
            var refused = await ConnectAsPeer();
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("Permission denied", refused.Stderr, StringComparison.Ordinal);
        }

        await using (StartEcho(path, ConnectionModel.Epoll, allowed))
        {
            var let = await ConnectAsPeer();
            Assert.True(let.ExitCode == 0, let.Stderr);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task ServerLogsAndCoresSeeTheSocketFileAsThePeer(ConnectionModel model)
    {
        string path = _directory.NewPath();
        var seen = new TaskCompletionSource<NetKit.Connections.ConnectionInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new TcpServer("probe", info =>
        {
            seen.TrySetResult(info);
            return new NetKit.Protocols.Echo.EchoProtocol();
        }, new TcpServerOptions { EndPoint = new UnixDomainSocketEndPoint(path), Model = model }, NullLogger.Instance);
        server.Start();

        await AssertEchoesAsync(path);

        var info = await seen.Task.WaitAsync(LoopbackClient.Timeout);
        Assert.Equal(path, info.RemoteEndPoint?.ToString());
        Assert.Equal(path, info.LocalEndPoint?.ToString());
        Assert.Equal(path, server.LocalEndPoint.ToString());
        Assert.Equal($"unix:{path}", Assert.Single(server.Listeners).Address.ToString());
    }

    public void Dispose() => _directory.Dispose();
}

using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

public class ConnectionCommandTests
{
    private const string Password = "s3cret pass";

    [Fact]
    public void PingAndEcho()
    {
        using var session = new RespSession();
        Assert.Equal("+PONG\r\n", session.Raw("PING"));
        Assert.Equal("$5\r\nhello\r\n", session.Raw("ping", "hello"));
        session.AssertError("ERR wrong number of arguments for 'ping' command", "PING", "a", "b");
        Assert.Equal("$3\r\na b\r\n", session.Raw("ECHO", "a b"));
    }

    [Fact]
    public void QuitRepliesOkAndCloses()
    {
        using var session = new RespSession();
        Assert.Equal("+OK\r\n", session.Raw("QUIT"));
        Assert.True(session.Closed);
    }

    [Fact]
    public void WithoutPasswordEverythingIsAllowedAndAuthExplainsTheMistake()
    {
        using var session = new RespSession();
        Assert.Equal("+PONG\r\n", session.Raw("PING"));
        session.AssertError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?", "AUTH", "x");
        // The two-argument form authenticates Redis's "nopass" default user with anything.
        Assert.Equal("+OK\r\n", session.Raw("AUTH", "default", "anything"));
        session.AssertError("WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "someone", "x");
    }

    [Fact]
    public void PasswordGatesEverythingButAuthHelloQuitPing()
    {
        using var session = new RespSession(new KeyValueOptions { RequirePass = Password });
        session.AssertError("NOAUTH Authentication required.", "GET", "k");
        session.AssertError("NOAUTH Authentication required.", "SET", "k", "v");
        session.AssertError("NOAUTH Authentication required.", "INFO");
        session.AssertError("NOAUTH Authentication required.", "CLIENT", "ID");
        session.AssertError("NOAUTH Authentication required.", "SELECT", "0");
        Assert.Equal("+PONG\r\n", session.Raw("PING"));
        session.AssertError("NOAUTH HELLO must be called with the client already authenticated", "HELLO", "2");
        session.AssertError("NOAUTH HELLO must be called with the client already authenticated", "HELLO", "3");

        session.AssertError("WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "wrong");
        session.AssertError("WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "someone", Password);
        session.AssertError("NOAUTH Authentication required.", "GET", "k");

        Assert.Equal("+OK\r\n", session.Raw("AUTH", Password));
        Assert.Equal("+OK\r\n", session.Raw("SET", "k", "v"));
        Assert.Equal("$1\r\nv\r\n", session.Raw("GET", "k"));

        // Each connection authenticates on its own.
        using var other = session.Connect();
        other.AssertError("NOAUTH Authentication required.", "GET", "k");
        Assert.Equal("+OK\r\n", other.Raw("AUTH", "default", Password));
        Assert.Equal("$1\r\nv\r\n", other.Raw("GET", "k"));
    }

    [Fact]
    public void InlineCommandsAreGatedToo()
    {
        using var session = new RespSession(new KeyValueOptions { RequirePass = "pw" });
        Assert.Equal("NOAUTH Authentication required.\n", session.Inline("GET k"));
        Assert.Equal("OK\n", session.Inline("AUTH pw"));
        Assert.Equal("(nil)\n", session.Inline("GET k"));
    }

    [Fact]
    public void HelloAuthenticatesAndNamesInOneStep()
    {
        using var session = new RespSession(new KeyValueOptions { RequirePass = Password });
        session.AssertError("WRONGPASS", "HELLO", "2", "AUTH", "default", "nope");
        var map = session.Call("HELLO", "2", "AUTH", "default", Password, "SETNAME", "app-1").AsMap();
        Assert.Equal(2, map["proto"].Integer);
        Assert.Equal("app-1", session.Call("CLIENT", "GETNAME").Text);
    }

    [Fact]
    public void HelloAnswersWithTheFlatMapOfResp2()
    {
        using var session = new RespSession();
        foreach (string[] request in new[] { new[] { "HELLO" }, ["HELLO", "2"] })
        {
            var reply = session.Call(request);
            Assert.Equal(14, reply.Items!.Count);
            var map = reply.AsMap();
            Assert.Equal("redis", map["server"].Text);
            Assert.Equal("7.0.15", map["version"].Text);
            Assert.Equal(2, map["proto"].Integer);
            Assert.Equal(session.Protocol.Session.Id, map["id"].Integer);
            Assert.Equal("standalone", map["mode"].Text);
            Assert.Equal("master", map["role"].Text);
            Assert.Empty(map["modules"].Items!);
        }
    }

    [Fact]
    public void HelloRefusesOtherProtocolsAndBadOptions()
    {
        using var session = new RespSession();
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", session.Raw("HELLO", "4"));
        session.AssertError("NOPROTO unsupported protocol version", "HELLO", "1");
        session.AssertError("ERR Protocol version is not an integer or out of range", "HELLO", "two");
        session.AssertError("ERR Syntax error in HELLO option 'bogus'", "HELLO", "2", "bogus");
        session.AssertError("ERR Syntax error in HELLO option 'AUTH'", "HELLO", "2", "AUTH", "default");
        Assert.Equal("+PONG\r\n", session.Raw("PING"));
    }

    [Fact]
    public void SelectChoosesOneOfSixteenDatabases()
    {
        using var session = new RespSession();
        Assert.Equal("+OK\r\n", session.Raw("SELECT", "0"));
        Assert.Equal("+OK\r\n", session.Raw("SELECT", "15"));
        Assert.Equal("-ERR DB index is out of range\r\n", session.Raw("SELECT", "16"));
        Assert.Equal("-ERR DB index is out of range\r\n", session.Raw("SELECT", "-1"));
        session.AssertError("ERR value is not an integer or out of range", "SELECT", "x");
    }

    [Fact]
    public void ClientIdNamesAndInfo()
    {
        using var session = new RespSession();
        using var other = session.Connect();
        Assert.Equal(session.Protocol.Session.Id, session.Call("CLIENT", "ID").Integer);
        Assert.NotEqual(session.Protocol.Session.Id, other.Call("CLIENT", "ID").Integer);

        Assert.True(session.Call("CLIENT", "GETNAME").IsNull);
        Assert.Equal("+OK\r\n", session.Raw("client", "setname", "worker-7"));
        Assert.Equal("worker-7", session.Call("CLIENT", "GETNAME").Text);
        session.AssertError("ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", "a b");
        session.AssertError("ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", "a\nb");
        Assert.Equal("worker-7", session.Call("CLIENT", "GETNAME").Text);

        string info = session.Call("CLIENT", "INFO").Text!;
        Assert.StartsWith($"id={session.Protocol.Session.Id} addr=", info, StringComparison.Ordinal);
        Assert.Contains(" name=worker-7 ", info, StringComparison.Ordinal);
        Assert.Contains(" cmd=client ", info, StringComparison.Ordinal);
        Assert.EndsWith(" user=default redir=-1 resp=2\n", info, StringComparison.Ordinal);

        // An empty name clears it.
        Assert.Equal("+OK\r\n", session.Raw("CLIENT", "SETNAME", ""));
        Assert.True(session.Call("CLIENT", "GETNAME").IsNull);
    }

    [Fact]
    public void ClientListHasOneLinePerClientInRedisFormat()
    {
        using var first = new RespSession();
        using var second = first.Connect();
        second.Call("CLIENT", "SETNAME", "second");
        second.Call("PING");

        string list = first.Call("CLIENT", "LIST").Text!;
        string[] lines = list.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("\n", list, StringComparison.Ordinal);
        string[] fields = lines[1].Split(' ');
        string[] names = [.. fields.Select(f => f[..f.IndexOf('=')])];
        Assert.Equal(
            ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub", "multi", "qbuf", "qbuf-free",
             "argv-mem", "multi-mem", "obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp"],
            names);
        Assert.Equal($"id={second.Protocol.Session.Id}", fields[0]);
        Assert.Contains("name=second", fields);
        Assert.Contains("cmd=ping", fields);
        Assert.Contains("flags=N", fields);

        // Filtered by id, and by type.
        string one = first.Call("CLIENT", "LIST", "ID", second.Protocol.Session.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Text!;
        Assert.StartsWith($"id={second.Protocol.Session.Id} ", one, StringComparison.Ordinal);
        Assert.Single(one.TrimEnd('\n').Split('\n'));
        Assert.Equal(2, first.Call("CLIENT", "LIST", "TYPE", "normal").Text!.TrimEnd('\n').Split('\n').Length);
        Assert.Equal(string.Empty, first.Call("CLIENT", "LIST", "TYPE", "pubsub").Text);

        // A disposed connection leaves the list.
        second.Dispose();
        Assert.Single(first.Call("CLIENT", "LIST").Text!.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void ClientAcceptsWhatLibrariesSendAndNamesUnknownSubcommands()
    {
        using var session = new RespSession();
        Assert.Equal("+OK\r\n", session.Raw("CLIENT", "SETINFO", "LIB-NAME", "SE.Redis"));
        Assert.Equal("+OK\r\n", session.Raw("CLIENT", "SETINFO", "lib-ver", "2.13.23"));
        session.AssertError("ERR Unrecognized option 'color'", "CLIENT", "SETINFO", "color", "blue");
        Assert.Equal("+OK\r\n", session.Raw("CLIENT", "NO-EVICT", "on"));
        Assert.Equal("+OK\r\n", session.Raw("CLIENT", "NO-TOUCH", "off"));
        Assert.Equal("-ERR unknown subcommand 'frobnicate'. Try CLIENT HELP.\r\n", session.Raw("CLIENT", "frobnicate"));
        session.AssertError("ERR wrong number of arguments for 'client|setname' command", "CLIENT", "SETNAME");
        session.AssertError("ERR wrong number of arguments for 'client' command", "CLIENT");
        Assert.NotEmpty(session.Call("CLIENT", "HELP").Items!);
    }
}

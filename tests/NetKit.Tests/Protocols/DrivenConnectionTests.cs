using System.Text;
using NetKit.Connections;
using NetKit.Tests.Transport;

namespace NetKit.Tests.Protocols;

/// <summary>
/// The outbox contract through the tests' own model, where the test decides when a woken connection runs:
/// wakes coalesce, pushed output is written whole and within the core's budget, a held request waits for
/// its wake, and the output limit of the connection's class cuts what would go over it.
/// </summary>
public class DrivenConnectionTests
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Posts_BeforeTheRun_AskForOneRun_AndAreWrittenInOrder()
    {
        var core = new PushingProtocol();
        var connection = new DrivenConnection(core);
        connection.Receive("listen\n"u8.ToArray());
        Assert.Equal("listening\n", Encoding.UTF8.GetString(connection.Output));

        await Task.Run(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.True(core.Outbox.Post(Bytes($"m{i}\n")));
            }
        });

        Assert.Equal(1, connection.WakesSignalled);
        Assert.True(connection.RunWoken());
        Assert.Equal("listening\nm0\nm1\nm2\n", Encoding.UTF8.GetString(connection.Output));
        Assert.False(connection.RunWoken(), "nothing was left to run for");
        Assert.True(core.Outbox.IsEmpty);
    }

    [Fact]
    public void PushedOutputOverTheCoresBudget_IsWrittenOverSeveralRuns_WholeMessagesOnly()
    {
        var core = new PushingProtocol();
        var connection = new DrivenConnection(core);
        connection.Receive("listen\n"u8.ToArray());
        var expected = new StringBuilder("listening\n");
        for (int i = 0; i < 10; i++)
        {
            string message = $"{i}:{new string((char)('a' + i), 20 * 1024)}\n";
            expected.Append(message);
            Assert.True(core.Outbox.Post(Bytes(message)));
        }

        int callsBefore = core.Calls;
        Assert.True(connection.RunWoken());

        // 200 KiB through a 64 KiB budget: the pump ran the core again until the outbox was empty.
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(connection.Output));
        Assert.True(core.Calls - callsBefore >= 3, $"expected several runs, saw {core.Calls - callsBefore}");
        Assert.True(core.Outbox.IsEmpty);
    }

    [Fact]
    public void HeldRequest_ReadsNothingMore_UntilWoken()
    {
        var core = new PushingProtocol();
        var connection = new DrivenConnection(core);
        connection.Receive("first\nhold\nnext\n"u8.ToArray());
        Assert.True(connection.Held);
        Assert.Equal("first\n", Encoding.UTF8.GetString(connection.Output));
        int calls = core.Calls;

        connection.Receive("more\n"u8.ToArray());
        Assert.Equal(calls, core.Calls);
        Assert.False(connection.RunWoken(), "no wake was asked for yet");

        core.Release();
        Assert.True(connection.RunWoken());
        Assert.False(connection.Held);
        Assert.Equal("first\nreleased\nnext\nmore\n", Encoding.UTF8.GetString(connection.Output));
    }

    [Fact]
    public void Subscriber_OverItsClassHardLimit_IsCut_AndTakesNoMore()
    {
        var core = new PushingProtocol();
        var limits = new ConnectionLimits
        {
            OutputLimit = OutputBufferLimit.None,
            SubscriberOutputLimit = new OutputBufferLimit(1000, 0, TimeSpan.Zero),
        };
        var connection = new DrivenConnection(core, limits: limits);
        connection.Receive("subscriber\n"u8.ToArray());

        Assert.True(core.Outbox.Post(new byte[600]));
        Assert.False(core.Outbox.Post(new byte[600]), "1,200 bytes queued is over the 1,000 allowed");

        Assert.Contains("client-output-buffer-limit pubsub 1000 0 0", connection.CutReason);
        Assert.True(core.Outbox.IsClosed);
        Assert.True(core.Outbox.IsEmpty, "a cut connection's queue is let go");
        Assert.False(core.Outbox.Post(new byte[1]));
    }

    [Fact]
    public void ListeningButNotSubscribed_IsHeldToTheNormalLimit()
    {
        var core = new PushingProtocol();
        var limits = new ConnectionLimits
        {
            OutputLimit = new OutputBufferLimit(1000, 0, TimeSpan.Zero),
            SubscriberOutputLimit = OutputBufferLimit.None,
        };
        var connection = new DrivenConnection(core, limits: limits);
        connection.Receive("listen\n"u8.ToArray());

        Assert.False(core.Outbox.Post(new byte[1200]));
        Assert.Contains("client-output-buffer-limit 1000 0 0", connection.CutReason);
    }

    [Fact]
    public void LimitsChangedWhileConnected_ApplyToTheNextPost()
    {
        var core = new PushingProtocol();
        var limits = new ConnectionLimits { SubscriberOutputLimit = OutputBufferLimit.None };
        var connection = new DrivenConnection(core, limits: limits);
        connection.Receive("subscriber\n"u8.ToArray());
        Assert.True(core.Outbox.Post(new byte[5000]));

        limits.SubscriberOutputLimit = new OutputBufferLimit(4000, 0, TimeSpan.Zero);

        Assert.False(core.Outbox.Post(new byte[1]));
        Assert.NotNull(connection.CutReason);
    }
}

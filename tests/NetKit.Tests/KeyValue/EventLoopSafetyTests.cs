using System.Buffers;
using System.Text;
using NetKit.Connections;
using NetKit.Protocols;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// On a thread that must not block (an event loop), kv stops before a command whose cost grows with the
/// keyspace and asks to be run elsewhere, while the ordinary commands run there as usual.
/// </summary>
public sealed class EventLoopSafetyTests
{
    [Theory]
    [InlineData("*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n")]
    [InlineData("*2\r\n$4\r\nSCAN\r\n$1\r\n0\r\n")]
    [InlineData("*1\r\n$9\r\nRANDOMKEY\r\n")]
    [InlineData("*1\r\n$8\r\nFLUSHALL\r\n")]
    [InlineData("KEYS *\r\n")]
    [InlineData("  flushdb\r\n")]
    public void KeyspaceWideCommand_OnAThreadThatMustNotBlock_IsLeftForElsewhere(string request)
    {
        var core = new KeyValueProtocol(new KeyValueStore());
        byte[] ping = "*1\r\n$4\r\nPING\r\n"u8.ToArray();
        var input = new ReadOnlySequence<byte>([.. ping, .. Encoding.ASCII.GetBytes(request)]);
        var output = new ArrayBufferWriter<byte>();

        ProtocolStep step;
        try
        {
            ConnectionThread.MustNotBlock = true;
            step = core.Process(input, endOfStream: false, output);
        }
        finally
        {
            ConnectionThread.MustNotBlock = false;
        }

        Assert.True(step.Offload);
        Assert.Equal(ping.Length, step.Consumed);
        Assert.Equal("+PONG\r\n", Encoding.ASCII.GetString(output.WrittenSpan));

        var rest = new ArrayBufferWriter<byte>();
        var again = core.Process(input.Slice(step.Consumed), endOfStream: false, rest);
        Assert.False(again.Offload);
        Assert.Equal(input.Length - ping.Length, again.Consumed);
        Assert.True(rest.WrittenCount > 0);
    }

    [Fact]
    public void OrdinaryCommands_RunOnAThreadThatMustNotBlock()
    {
        var core = new KeyValueProtocol(new KeyValueStore());
        var input = new ReadOnlySequence<byte>("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nGET k\r\n"u8.ToArray());
        var output = new ArrayBufferWriter<byte>();

        ProtocolStep step;
        try
        {
            ConnectionThread.MustNotBlock = true;
            step = core.Process(input, endOfStream: false, output);
        }
        finally
        {
            ConnectionThread.MustNotBlock = false;
        }

        Assert.False(step.Offload);
        Assert.Equal(input.Length, step.Consumed);
        Assert.Equal("+OK\r\n$1\r\nv\r\n$1\r\nv\r\n", Encoding.ASCII.GetString(output.WrittenSpan));
    }
}

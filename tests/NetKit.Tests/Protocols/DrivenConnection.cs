using System.Buffers;
using NetKit.Connections;

namespace NetKit.Tests.Protocols;

/// <summary>
/// One connection driven by hand through its <see cref="ConnectionPump"/>, the tests' own connection model:
/// bytes are handed in as chunks, every reply byte is kept, and a wake of the core's outbox is run when the
/// test says (<see cref="RunWoken"/>), so a test decides exactly when pushed output is written. Each turn
/// goes through the pump as the models' do: the core run again while it says so, its replies let out only
/// once their durability wait and the output limit allow — and its end is the models' end too: the pump
/// told, the core disposed.
/// </summary>
public sealed class DrivenConnection
{
    private readonly ConnectionPump _pump;
    private readonly ProtocolDriver.Buffering _buffering;
    private readonly List<byte[]> _pending = []; // unconsumed bytes, one array per received chunk
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly ArrayBufferWriter<byte> _run = new(); // one run's replies, kept only once let out
    private int _wakes;
    private bool _ended;

    public DrivenConnection(IConnectionProtocol protocol, ProtocolDriver.Buffering buffering = ProtocolDriver.Buffering.Segmented,
        ConnectionLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        _buffering = buffering;
        _pump = new ConnectionPump(protocol, limits);
        _pump.Outbox?.Attach(() => Interlocked.Increment(ref _wakes), reason =>
        {
            CutReason ??= reason;
            End();
        });
    }

    public ConnectionPump Pump => _pump;

    /// <summary>Every reply byte so far.</summary>
    public ReadOnlySpan<byte> Output => _output.WrittenSpan;

    /// <summary>The core (or a refused send) closed the connection before the end of the stream.</summary>
    public bool ClosedBeforeEndOfStream { get; private set; }

    /// <summary>The end of the stream was handed in, and the connection ended with it.</summary>
    public bool ClosedAtEndOfStream { get; private set; }

    public bool Closed => ClosedBeforeEndOfStream || ClosedAtEndOfStream || CutReason is not null;

    /// <summary>Why the pump refused to send or the outbox cut the connection (its output limit), if it did.</summary>
    public string? CutReason { get; private set; }

    /// <summary>The last turn ended with the core holding a request (<see cref="PumpNext.WaitForWake"/>).</summary>
    public bool Held { get; private set; }

    /// <summary>How many times the outbox asked its connection for a run (each wake asked while none was pending).</summary>
    public int WakesSignalled => Volatile.Read(ref _wakes);

    /// <summary>Hands in one received chunk and runs the core until it wants more input.</summary>
    public void Receive(byte[] chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (Closed || chunk.Length == 0)
        {
            // A read returning nothing means end of stream, never "no data yet".
            return;
        }

        _pending.Add(chunk);
        if (!Held)
        {
            Turn(endOfStream: false);
        }
    }

    /// <summary>The peer's end of stream: the core's last call.</summary>
    public void EndOfStream()
    {
        if (!Closed)
        {
            Turn(endOfStream: true);
            ClosedAtEndOfStream = true;
            End();
        }
    }

    /// <summary>Runs the core as its model would once woken: true when a wake was pending and so a turn ran.</summary>
    public bool RunWoken()
    {
        if (Closed || !_pump.WakePending)
        {
            return false;
        }

        Turn(endOfStream: false);
        return true;
    }

    private void Turn(bool endOfStream)
    {
        Held = false;
        while (true)
        {
            ReadOnlySequence<byte> input = _buffering == ProtocolDriver.Buffering.Contiguous
                ? new ReadOnlySequence<byte>(_pending.SelectMany(b => b).ToArray())
                : ProtocolDriver.Segments(_pending);
            _run.Clear();
            PumpStep step = _pump.Run(input, endOfStream, _run);
            Assert.InRange(step.Consumed, 0, input.Length);
            if (!LetOut(_run.WrittenCount))
            {
                // Refused replies are dropped, never "sent", as the models drop them.
                ClosedBeforeEndOfStream = true;
                End();
                return;
            }

            _output.Write(_run.WrittenSpan);

            byte[] rest = input.Slice(step.Consumed).ToArray();
            _pending.Clear();
            if (rest.Length > 0)
            {
                _pending.Add(rest);
            }

            switch (step.Next)
            {
                case PumpNext.RunAgain:
                    Assert.True(step.Consumed > 0 || _pump.WakePending,
                        "a core that says its output is full must have consumed something, unless its outbox was woken meanwhile");
                    continue;
                case PumpNext.Offload:
                    // The driver's thread may block: the core runs the request on the next call.
                    Assert.False(ConnectionThread.MustNotBlock, "the driver runs cores where blocking is allowed");
                    continue;
                case PumpNext.WaitForWake:
                    Held = true;
                    return;
                case PumpNext.Close:
                    if (!endOfStream)
                    {
                        ClosedBeforeEndOfStream = true;
                        End();
                    }

                    return;
                default:
                    return;
            }
        }
    }

    /// <summary>As a model ends a connection: the pump's outbox closed, the core disposed (kv: its session leaves).</summary>
    private void End()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _pump.Ended();
        (_pump.Protocol as IDisposable)?.Dispose();
    }

    /// <summary>The pump's gate on a turn's replies, as the models use it: false when they are refused (never "sent").</summary>
    private bool LetOut(int written)
    {
        if (written == 0)
        {
            return true;
        }

        var gate = _pump.BeforeSendAsync(written);
        string? refused = gate.IsCompleted ? gate.Result : gate.AsTask().GetAwaiter().GetResult();
        if (refused is not null)
        {
            CutReason ??= refused;
            return false;
        }

        _pump.AfterSend();
        return true;
    }
}

using System.Globalization;
using NetKit.Connections;

namespace NetKit.Protocols.Time;

/// <summary>
/// The time service: a datagram <c>TIME</c> (optionally followed by <c>\n</c> or <c>\r\n</c>) is
/// answered with the current Unix time in whole seconds as ASCII digits.
/// </summary>
/// <remarks>
/// Anything else is dropped and counted, never answered: a UDP server that replies to arbitrary
/// datagrams can be used to reflect traffic at a forged sender address.
/// </remarks>
public sealed class TimeHandler : IDatagramHandler
{
    private readonly TimeProvider _timeProvider;
    private long _droppedCount;

    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null (tests pass a fake).</param>
    public TimeHandler(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Datagrams dropped because they were not a time request.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedCount);

    /// <inheritdoc />
    public int Handle(ReadOnlySpan<byte> request, Span<byte> reply)
    {
        if (!IsTimeRequest(request))
        {
            // The UDP loop may run on several threads at once.
            Interlocked.Increment(ref _droppedCount);
            return -1;
        }

        long seconds = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (!seconds.TryFormat(reply, out int written, default, CultureInfo.InvariantCulture))
        {
            Interlocked.Increment(ref _droppedCount);
            return -1;
        }

        return written;
    }

    private static bool IsTimeRequest(ReadOnlySpan<byte> request) =>
        request.SequenceEqual("TIME"u8) || request.SequenceEqual("TIME\n"u8) || request.SequenceEqual("TIME\r\n"u8);
}

using System.Runtime.InteropServices;

namespace NetKit.Transport.Epoll;

/// <summary>
/// The memory one recvmmsg/sendmmsg round uses, allocated once per UDP server: per slot a header, an address
/// and a buffer for the largest datagram, to receive into, and the same for the replies. The buffers are
/// 4 MiB of address space but only what datagrams touch becomes resident (the kernel commits pages on first
/// write), so small datagrams cost a page or two per slot.
/// </summary>
internal sealed unsafe class DatagramBatch : IDisposable
{
    /// <summary>Datagrams per system call: enough to make the call's cost small per datagram, few enough that
    /// the buffers stay at 4 MiB per server.</summary>
    public const int Capacity = 32;

    /// <summary>A slot per datagram: at least <see cref="UdpServer.MaxDatagramSize"/>, a whole number of pages.</summary>
    private const int SlotSize = 64 * 1024;

    private readonly MultiMessageHeader* _received;
    private readonly MultiMessageHeader* _replies;
    private readonly IoVector* _receiveVectors;
    private readonly IoVector* _replyVectors;
    private readonly byte* _addresses;
    private readonly byte* _buffers;
    private bool _disposed;

    public DatagramBatch()
    {
        nuint headers = (nuint)(Capacity * ((2 * sizeof(MultiMessageHeader)) + (2 * sizeof(IoVector)) + NativeSocket.AddressSize));
        byte* small = (byte*)NativeMemory.AllocZeroed(headers);
        _received = (MultiMessageHeader*)small;
        _replies = _received + Capacity;
        _receiveVectors = (IoVector*)(_replies + Capacity);
        _replyVectors = _receiveVectors + Capacity;
        _addresses = (byte*)(_replyVectors + Capacity);
        // Not zeroed: zeroing would make all of it resident at once.
        _buffers = (byte*)NativeMemory.AlignedAlloc((nuint)(2 * Capacity * SlotSize), 4096);

        for (int i = 0; i < Capacity; i++)
        {
            _receiveVectors[i] = new IoVector { Base = RequestBuffer(i), Length = UdpServer.MaxDatagramSize };
            ref var header = ref _received[i].Header;
            header.Name = _addresses + (i * NativeSocket.AddressSize);
            header.Vectors = &_receiveVectors[i];
            header.VectorCount = 1;
            _replies[i].Header.Vectors = &_replyVectors[i];
            _replies[i].Header.VectorCount = 1;
        }
    }

    public MultiMessageHeader* Received => _received;

    public MultiMessageHeader* Replies => _replies;

    /// <summary>Before each recvmmsg: the kernel overwrites the address lengths and flags of the last one.</summary>
    public void PrepareReceive()
    {
        for (int i = 0; i < Capacity; i++)
        {
            _received[i].Header.NameLength = NativeSocket.AddressSize;
            _received[i].Header.Flags = 0;
        }
    }

    /// <summary>The datagram did not fit its buffer (larger than <see cref="UdpServer.MaxDatagramSize"/>, IPv6).</summary>
    public bool Truncated(int slot) => (_received[slot].Header.Flags & LibC.MSG_TRUNC) != 0;

    public ReadOnlySpan<byte> Request(int slot) =>
        new(RequestBuffer(slot), (int)Math.Min(_received[slot].Length, (uint)UdpServer.MaxDatagramSize));

    public Span<byte> ReplyRoom(int reply) => new(ReplyBuffer(reply), UdpServer.MaxDatagramSize);

    /// <summary>The sender of a received datagram, for the log.</summary>
    public System.Net.IPEndPoint? Sender(int slot) =>
        NativeSocket.ReadEndPoint(_received[slot].Header.Name, _received[slot].Header.NameLength);

    /// <summary>Makes reply <paramref name="reply"/> (written into <see cref="ReplyRoom"/>) go to the sender of
    /// received datagram <paramref name="slot"/>.</summary>
    public void SetReply(int reply, int slot, int length)
    {
        _replyVectors[reply] = new IoVector { Base = ReplyBuffer(reply), Length = (nuint)length };
        ref var header = ref _replies[reply].Header;
        header.Name = _received[slot].Header.Name;
        header.NameLength = _received[slot].Header.NameLength;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NativeMemory.AlignedFree(_buffers);
        NativeMemory.Free(_received);
    }

    private byte* RequestBuffer(int slot) => _buffers + ((long)slot * SlotSize);

    private byte* ReplyBuffer(int reply) => _buffers + ((long)(Capacity + reply) * SlotSize);
}

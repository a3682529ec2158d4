using System.Net;
using NetKit.Connections;

namespace NetKit.KeyValue;

/// <summary>
/// One client's state on the server, apart from how its bytes are framed: who it is (id, addresses, the name
/// given with CLIENT SETNAME), whether it has authenticated, the database it has selected, its transaction
/// (MULTI's queue, WATCHed keys), what it last ran, and its own counters. CLIENT LIST and INFO read every
/// connected client's session.
/// </summary>
public sealed class ClientSession
{
    private int _protocol = 2;
    private BlockedClient? _blockedList;

    internal ClientSession(long id, ConnectionInfo? connection, long nowMs, bool authenticated)
    {
        Id = id;
        ConnectionId = connection?.Id ?? -1;
        RemoteEndPoint = connection?.RemoteEndPoint;
        LocalEndPoint = connection?.LocalEndPoint;
        ConnectedAtMs = nowMs;
        LastCommandAtMs = nowMs;
        Authenticated = authenticated;
        PubSub = new PubSubSession(id);
    }

    /// <summary>The client's id (CLIENT ID), unique within its server.</summary>
    public long Id { get; }

    /// <summary>The transport's id of the connection (CLIENT KILL cuts it by this); -1 without a socket.</summary>
    internal long ConnectionId { get; }

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    public long ConnectedAtMs { get; }

    /// <summary>When the last command ran, Unix ms (CLIENT LIST's idle).</summary>
    public long LastCommandAtMs { get; internal set; }

    /// <summary>The last command's name (CLIENT LIST's cmd).</summary>
    public string LastCommand { get; internal set; } = "NULL";

    /// <summary>The name given with CLIENT SETNAME, or null.</summary>
    public string? Name { get; set; }

    /// <summary>True once AUTH succeeded, or from the start when no password is set.</summary>
    public bool Authenticated { get; set; }

    /// <summary>The database SELECTed (CLIENT LIST's db).</summary>
    public int DatabaseIndex { get; internal set; }

    /// <summary>The RESP version HELLO chose: 2 (the default) or 3.</summary>
    public int Protocol
    {
        get => _protocol;
        internal set
        {
            _protocol = value;
            PubSub.Resp3 = value == 3;
        }
    }

    /// <summary>CLIENT REPLY's state: whether this client's replies are written (pushes always are).</summary>
    internal ReplySwitch Replies { get; set; }

    internal SessionCounters Counters { get; } = new();

    /// <summary>Its subscriptions, MONITOR mode, CLIENT PAUSE hold, and the outbox its pushed output goes to.</summary>
    internal PubSubSession PubSub { get; }

    /// <summary>Its blocking list command (BLPOP...), made on first use.</summary>
    internal BlockedClient BlockedList => _blockedList ??= new BlockedClient(this);

    internal BlockedClient? BlockedListIfAny => _blockedList;

    /// <summary>MULTI's queue and the WATCHed keys.</summary>
    internal TransactionState Transaction { get; } = new();

    /// <summary>True while a blocking list command waits (CLIENT LIST's b flag).</summary>
    internal bool BlockedOnList => _blockedList?.State == BlockState.Waiting;

    /// <summary>Set, under the store's write lock, when a key this client WATCHes is changed by anyone:
    /// its EXEC then fails.</summary>
    internal bool WatchedKeyChanged { get; set; }
}

namespace NetKit.KeyValue;

/// <summary>
/// One client's blocking list command (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) while it waits: the keys, what
/// serving it does, its deadline, and how the wait ended. The request is consumed and its connection runs no
/// other request meanwhile; whoever ends the wait — a push served to it, its timer, CLIENT UNBLOCK — sets
/// <see cref="State"/> and wakes the connection, which writes the reply before anything else.
/// Changed only under the store's write lock.
/// </summary>
internal sealed class BlockedClient
{
    public BlockedClient(ClientSession session) => Session = session;

    public ClientSession Session { get; }

    public BlockState State { get; set; }

    public int Database { get; set; }

    public byte[][] Keys { get; set; } = [];

    /// <summary>Where each key's waiter entry is, to leave every queue at once.</summary>
    public LinkedListNode<BlockedClient>?[] Nodes { get; set; } = [];

    /// <summary>Pops from the head (BLPOP, BLMPOP LEFT, BLMOVE LEFT ...).</summary>
    public bool FromHead { get; set; }

    /// <summary>BLMOVE and BRPOPLPUSH: the list the element goes to, and at which end.</summary>
    public byte[]? Destination { get; set; }

    public bool ToHead { get; set; }

    /// <summary>BLMPOP's COUNT; 1 otherwise.</summary>
    public long Count { get; set; } = 1;

    /// <summary>BLMPOP replies as LMPOP does (key and an array of elements), not as BLPOP.</summary>
    public bool ManyReply { get; set; }

    public ITimer? Timer { get; set; }

    /// <summary>Once served: the key the elements came from and the elements, not yet written to the client.</summary>
    public byte[]? ServedKey { get; set; }

    public List<byte[]> Served { get; } = [];

    /// <summary>Blocked on sorted sets (BZPOPMIN, BZPOPMAX, BZMPOP) rather than lists: <see cref="FromHead"/> then
    /// means the lowest scores, and <see cref="ServedScores"/> holds the popped members' scores.</summary>
    public bool SortedSet { get; set; }

    public List<double> ServedScores { get; } = [];
}

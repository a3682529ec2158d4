namespace NetKit.KeyValue;

/// <summary>
/// One member of a sorted set's skiplist: its score, its levels (each a forward link and the number of
/// members that link jumps over, as Redis's zskiplistLevel) and a backward link for reverse walks.
/// </summary>
internal sealed class SortedSetNode
{
    public SortedSetNode(byte[] member, double score, int levels)
    {
        Member = member;
        Score = score;
        Forward = new SortedSetNode?[levels];
        Span = new int[levels];
    }

    public byte[] Member { get; }

    public double Score { get; set; }

    public SortedSetNode? Backward { get; set; }

    /// <summary>The next node at each level.</summary>
    public SortedSetNode?[] Forward { get; }

    /// <summary>At each level, how many places the forward link moves on (what makes a rank O(log n)).</summary>
    public int[] Span { get; }

    public int Levels => Forward.Length;
}
